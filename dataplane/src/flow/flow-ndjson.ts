import type { FlowRecord } from '../dataplane.types';
import { ENTRY_STATE_NAMES } from '../shard/entry-state';
import { formatIp } from '../shard/ip-address';
import type { L7Names } from '../shard/record-names';
import { flowInfo, flowServerName, l4Name, TUNNEL_NAMES } from './flow-record';
import { FlowTable } from './flow-table';
import { FLOW_INFO_BYTES, FLOW_NAME_BYTES, FlowF64, FlowFlag, FlowU32 } from './flow-table.layout';

/**
 * `flowprobe analyze`'s ndjson line of a flow: the documented fields first, in
 * the issue's order, then the rest of the record in its own order. The
 * reference the fast writer below is held to, byte for byte.
 */
export function ndjsonFlow(f: FlowRecord): Record<string, unknown> {
  const { l4, vlan, client, server, cli2srv, srv2cli, first_seen, last_seen, l7, server_name, category, breed, risks, ...rest } = f;
  return { l4, vlan, client, server, cli2srv, srv2cli, first_seen, last_seen, l7, server_name, category, breed, risks, ...rest };
}

const encoder = new TextEncoder();
const ascii = (s: string): Uint8Array => encoder.encode(s);

/**
 * Room kept free in a chunk for the fixed-size parts of a line (field names,
 * numbers, IPv4 addresses) between two variable-length parts: every
 * variable-length write makes room for itself plus this, and no run of
 * fixed-size parts is longer (the longest, after the risks, is under 1 KiB).
 */
const LINE_RESERVE = 2048;
/** Default chunk size: one write per MiB of output. */
export const NDJSON_CHUNK_BYTES = 1 << 20;

// The line's fixed text between fields (ndjsonFlow's order; key and the rest after risks).
const P_L4 = ascii('{"l4":');
const P_VLAN = ascii(',"vlan":');
const P_CLIENT_IP = ascii(',"client":{"ip":');
const P_PORT = ascii(',"port":');
const P_SERVER_IP = ascii('},"server":{"ip":');
const P_C2S_PKTS = ascii('},"cli2srv":{"packets":');
const P_BYTES = ascii(',"bytes":');
const P_S2C_PKTS = ascii('},"srv2cli":{"packets":');
const P_FIRST = ascii('},"first_seen":');
const P_LAST = ascii(',"last_seen":');
const P_L7 = ascii(',"l7":');
const P_NAME = ascii(',"server_name":');
const P_CATEGORY = ascii(',"category":');
const P_BREED = ascii(',"breed":');
const P_RISKS = ascii(',"risks":');
const P_KEY = ascii(',"key":"');
const P_DURATION = ascii('","duration":');
const P_BPS = ascii(',"thpt":{"bps":');
const P_PPS = ascii(',"pps":');
const P_SCORE = ascii('},"score":');
const P_FLAGS_C2S = ascii(',"tcp_flags":{"cli2srv":');
const P_S2C = ascii(',"srv2cli":');
const P_RETRANS_C2S = ascii('},"retransmissions":{"cli2srv":');
const P_OOO_C2S = ascii('},"out_of_order":{"cli2srv":');
const P_FIRST_FROM_SERVER = ascii('},"first_from_server":');
const P_IP_BYTES_C2S = ascii(',"ip_bytes":{"cli2srv":');
const P_STATE = ascii('},"state":');
const P_TUNNEL = ascii(',"tunnel":');
const P_DPI_PACKETS = ascii(',"dpi_packets":');
const P_INFO = ascii(',"info":');
const P_END = ascii('}\n');
/** micros() values below this (2^33 s, year 2242) are written digit by digit. */
const MICROS_FAST_LIMIT = 2 ** 33;
const TRUE = ascii('true');
const FALSE = ascii('false');
const NULL = ascii('null');

/** A string as JSON.stringify writes it, UTF-8. */
function jsonBytes(s: string): Uint8Array {
  return encoder.encode(JSON.stringify(s));
}

const STATE_JSON = ENTRY_STATE_NAMES.map(jsonBytes);
const TUNNEL_JSON = TUNNEL_NAMES.map(jsonBytes);
const EMPTY_STRING_JSON = jsonBytes('');

/**
 * Writes flows as `flowprobe analyze`'s ndjson lines straight from their shard
 * slots into large byte chunks: no record object, no JSON.stringify per flow.
 * The output is byte for byte `JSON.stringify(ndjsonFlow(readFlowRecord(...)))`
 * and a newline (flow-ndjson.spec.ts holds it to that): names from nDPI are
 * escaped once by JSON.stringify and cached; a server name or DPI metadata
 * that is not plain printable ASCII (or metadata whose JSON would not come
 * back unchanged from JSON.parse and JSON.stringify) takes the record's own
 * path (TextDecoder, JSON.parse, JSON.stringify).
 *
 * Each full chunk goes to `emit`, which owns it from then on (a new chunk is
 * allocated: `process.stdout.write` may hold on to it).
 */
export class FlowNdjsonWriter {
  private buf: Uint8Array;
  private pos = 0;
  private readonly l7Json = new Map<number, Uint8Array>();
  private readonly categoryJson = new Map<number, Uint8Array>();
  private readonly breedJson = new Map<number, Uint8Array>();
  /** riskLo -> riskHi -> JSON of the names (almost every flow has riskHi 0). */
  private readonly riskJson = new Map<number, Map<number, Uint8Array>>();
  private readonly l4Json: Uint8Array[] = [];
  /** Lines written. */
  lines = 0;

  constructor(
    private readonly names: L7Names,
    private readonly emit: (chunk: Uint8Array) => void,
    private readonly chunkBytes = NDJSON_CHUNK_BYTES,
  ) {
    this.buf = new Uint8Array(chunkBytes);
  }

  /** Emits what is buffered (call once at the end). */
  flush(): void {
    if (this.pos === 0) return;
    this.emit(this.buf.subarray(0, this.pos));
    this.buf = new Uint8Array(this.chunkBytes);
    this.pos = 0;
  }

  /** Room for `n` more bytes in the current chunk (emitting it first when full). */
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = new Uint8Array(n);
  }

  /** Copies variable-length bytes (and keeps LINE_RESERVE free after them). */
  private put(bytes: Uint8Array): void {
    this.ensure(bytes.length + LINE_RESERVE);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Copies fixed text; the caller reserved room (LINE_RESERVE). */
  private raw(bytes: Uint8Array): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < bytes.length; i++) buf[p++] = bytes[i];
    this.pos = p;
  }

  /** A non-negative integer below 2^53 in decimal. */
  private uint(n: number): void {
    const buf = this.buf;
    if (n < 10) {
      buf[this.pos++] = 48 + n;
      return;
    }
    let digits = 1;
    for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++;
    let p = this.pos + digits;
    this.pos = p;
    while (n >= 10) {
      const q = Math.floor(n / 10);
      buf[--p] = 48 + (n - q * 10);
      n = q;
    }
    buf[--p] = 48 + n;
  }

  /** A number as JSON.stringify writes it. */
  private num(x: number): void {
    if (x >= 0 && x <= Number.MAX_SAFE_INTEGER && Math.floor(x) === x) this.uint(x);
    else if (Number.isFinite(x)) this.asciiText(String(x));
    else this.raw(NULL);
  }

  /**
   * `micros(s)` as JSON.stringify writes it, without String(): the microsecond
   * count's digits with the decimal point put in. Below 2^33 a double's ulp
   * is under 1e-6, so no decimal with fewer digits rounds to the same double
   * and the count's digits (trailing zeros dropped) are the shortest form
   * Number.prototype.toString gives; elsewhere (and for 0 or negatives) num().
   */
  private micros(s: number): void {
    const m = Math.round(s * 1e6);
    const x = m / 1e6;
    if (!(x > 0 && x < MICROS_FAST_LIMIT)) {
      this.num(x);
      return;
    }
    const whole = Math.floor(m / 1e6);
    let frac = m - whole * 1e6;
    this.uint(whole);
    if (frac === 0) return;
    let digits = 6;
    while (frac % 10 === 0) {
      frac /= 10;
      digits--;
    }
    const buf = this.buf;
    buf[this.pos] = 0x2e;
    let p = this.pos + 1 + digits;
    this.pos = p;
    for (let i = 0; i < digits; i++) {
      const q = Math.floor(frac / 10);
      buf[--p] = 48 + (frac - q * 10);
      frac = q;
    }
  }

  /** ASCII text known to need no escaping (a number's digits, an IPv4 address). */
  private asciiText(s: string): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** A string as JSON.stringify writes it: directly when printable ASCII without quote or backslash. */
  private str(s: string): void {
    let plain = s.length <= 256;
    for (let i = 0; plain && i < s.length; i++) {
      const c = s.charCodeAt(i);
      plain = c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c;
    }
    if (!plain) {
      this.put(jsonBytes(s));
      return;
    }
    this.ensure(s.length + 2 + LINE_RESERVE);
    this.buf[this.pos++] = 0x22;
    this.asciiText(s);
    this.buf[this.pos++] = 0x22;
  }

  /** An address in `u32[at..at+3]` as a JSON string (formatIp's text). */
  private ip(u32: Uint32Array, at: number, ipVersion: number): void {
    if (ipVersion !== 4) {
      this.str(formatIp(u32, at, ipVersion));
      return;
    }
    const a = u32[at];
    const buf = this.buf;
    buf[this.pos++] = 0x22;
    this.uint(a >>> 24);
    buf[this.pos++] = 0x2e;
    this.uint((a >>> 16) & 255);
    buf[this.pos++] = 0x2e;
    this.uint((a >>> 8) & 255);
    buf[this.pos++] = 0x2e;
    this.uint(a & 255);
    buf[this.pos++] = 0x22;
  }

  private l4(proto: number): Uint8Array {
    return (this.l4Json[proto] ??= jsonBytes(l4Name(proto)));
  }

  private l7(l7: number): Uint8Array {
    let b = this.l7Json.get(l7);
    if (b === undefined) this.l7Json.set(l7, (b = jsonBytes(this.names.protocolName(l7))));
    return b;
  }

  private category(cb: number): Uint8Array {
    let b = this.categoryJson.get(cb);
    if (b === undefined) this.categoryJson.set(cb, (b = jsonBytes(this.names.categoryName(cb))));
    return b;
  }

  private breed(cb: number): Uint8Array {
    let b = this.breedJson.get(cb);
    if (b === undefined) this.breedJson.set(cb, (b = jsonBytes(this.names.breedName(cb))));
    return b;
  }

  private risks(lo: number, hi: number): Uint8Array {
    let byHi = this.riskJson.get(lo);
    if (byHi === undefined) this.riskJson.set(lo, (byHi = new Map()));
    let b = byHi.get(hi);
    if (b === undefined) byHi.set(hi, (b = encoder.encode(JSON.stringify(this.names.riskNames(lo, hi)))));
    return b;
  }

  /** The server name as JSON: its stored bytes when plain printable ASCII, else as the record decodes it. */
  private serverName(flows: FlowTable, slot: number): void {
    const names = flows.names;
    const at = slot * FLOW_NAME_BYTES;
    const n = names[at];
    if (n === 0) {
      this.raw(EMPTY_STRING_JSON);
      return;
    }
    const start = at + 1;
    const end = start + n;
    for (let i = start; i < end; i++) {
      const c = names[i];
      if (c < 0x20 || c >= 0x7f || c === 0x22 || c === 0x5c) {
        this.put(jsonBytes(flowServerName(flows, slot)));
        return;
      }
    }
    this.ensure(n + 2 + LINE_RESERVE);
    const buf = this.buf;
    buf[this.pos++] = 0x22;
    buf.set(names.subarray(start, end), this.pos);
    this.pos += n;
    buf[this.pos++] = 0x22;
  }

  /** `,"info":{...}` when the flow has metadata (as the record: JSON.parse of the stored bytes, re-serialised). */
  private info(flows: FlowTable, slot: number): void {
    const bytes = flows.info;
    const at = slot * FLOW_INFO_BYTES;
    const n = bytes[at] | (bytes[at + 1] << 8);
    if (n === 0) return;
    const start = at + 2;
    if (isCanonicalFlatJson(bytes, start, start + n)) {
      this.raw(P_INFO);
      this.ensure(n + LINE_RESERVE);
      this.buf.set(bytes.subarray(start, start + n), this.pos);
      this.pos += n;
      return;
    }
    const info = flowInfo(flows, slot);
    if (!info) return;
    this.raw(P_INFO);
    this.put(encoder.encode(JSON.stringify(info)));
  }

  /**
   * Writes the line of the flow in `slot` of shard `shard` (the caller holds
   * the shard's read locks, or its worker has finished).
   */
  writeSlot(flows: FlowTable, slot: number, shard: number): void {
    this.ensure(LINE_RESERVE);
    const t = flows.table;
    const b = t.u32At(slot);
    const f = t.f64At(slot);
    const u32 = flows.u32;
    const f64 = flows.f64;
    const meta = u32[b + FlowU32.KeyMeta];
    const ipVersion = meta >>> 24;
    const ports = u32[b + FlowU32.Ports];
    const tcpFlags = u32[b + FlowU32.TcpFlags];
    const cb = u32[b + FlowU32.CategoryBreed];
    const firstSeen = f64[f + FlowF64.FirstSeen];
    const lastSeen = f64[f + FlowF64.LastSeen];
    this.raw(P_L4);
    this.put(this.l4((meta >>> 16) & 0xff));
    this.raw(P_VLAN);
    this.uint(meta & 0xfff);
    this.raw(P_CLIENT_IP);
    this.ip(u32, b + FlowU32.CliAddr0, ipVersion);
    this.raw(P_PORT);
    this.uint(ports >>> 16);
    this.raw(P_SERVER_IP);
    this.ip(u32, b + FlowU32.SrvAddr0, ipVersion);
    this.raw(P_PORT);
    this.uint(ports & 0xffff);
    this.raw(P_C2S_PKTS);
    this.num(f64[f + FlowF64.C2sPkts]);
    this.raw(P_BYTES);
    this.num(f64[f + FlowF64.C2sBytes]);
    this.raw(P_S2C_PKTS);
    this.num(f64[f + FlowF64.S2cPkts]);
    this.raw(P_BYTES);
    this.num(f64[f + FlowF64.S2cBytes]);
    this.raw(P_FIRST);
    this.micros(firstSeen);
    this.raw(P_LAST);
    this.micros(lastSeen);
    this.raw(P_L7);
    this.put(this.l7(u32[b + FlowU32.L7]));
    this.raw(P_NAME);
    this.serverName(flows, slot);
    this.raw(P_CATEGORY);
    this.put(this.category(cb));
    this.raw(P_BREED);
    this.put(this.breed(cb));
    this.raw(P_RISKS);
    this.put(this.risks(u32[b + FlowU32.RiskLo], u32[b + FlowU32.RiskHi]));
    this.raw(P_KEY);
    this.uint(shard);
    this.buf[this.pos++] = 0x3a;
    this.uint(slot);
    this.buf[this.pos++] = 0x3a;
    this.uint(u32[b + FlowU32.Generation]);
    this.raw(P_DURATION);
    this.micros(lastSeen - firstSeen);
    this.raw(P_BPS);
    this.num(f64[f + FlowF64.ThptBps]);
    this.raw(P_PPS);
    this.num(f64[f + FlowF64.ThptPps]);
    this.raw(P_SCORE);
    this.uint(u32[b + FlowU32.Score]);
    this.raw(P_FLAGS_C2S);
    this.uint(tcpFlags & 0xff);
    this.raw(P_S2C);
    this.uint((tcpFlags >>> 8) & 0xff);
    this.raw(P_RETRANS_C2S);
    this.num(f64[f + FlowF64.C2sRetrans]);
    this.raw(P_S2C);
    this.num(f64[f + FlowF64.S2cRetrans]);
    this.raw(P_OOO_C2S);
    this.num(f64[f + FlowF64.C2sOoo]);
    this.raw(P_S2C);
    this.num(f64[f + FlowF64.S2cOoo]);
    this.raw(P_FIRST_FROM_SERVER);
    this.raw((u32[b + FlowU32.Flags] & FlowFlag.FirstFromServer) !== 0 ? TRUE : FALSE);
    this.raw(P_IP_BYTES_C2S);
    this.num(f64[f + FlowF64.C2sIpBytes]);
    this.raw(P_S2C);
    this.num(f64[f + FlowF64.S2cIpBytes]);
    const state = STATE_JSON[t.stateOf(slot)];
    if (state !== undefined) {
      this.raw(P_STATE);
      this.raw(state);
    }
    this.raw(P_TUNNEL);
    this.raw(TUNNEL_JSON[u32[b + FlowU32.Tunnel]] ?? EMPTY_STRING_JSON);
    this.raw(P_DPI_PACKETS);
    this.uint(u32[b + FlowU32.DpiPackets]);
    this.info(flows, slot);
    this.raw(P_END);
    this.lines++;
  }

  /** Writes the line of a flow already read as a record (a flow that ended during the pass). */
  writeRecord(f: FlowRecord): void {
    this.put(encoder.encode(`${JSON.stringify(ndjsonFlow(f))}\n`));
    this.lines++;
  }
}

/** At most this many keys are checked for duplicates in stored metadata; more take the slow path. */
const MAX_INFO_KEYS = 24;
const keyStarts = new Int32Array(MAX_INFO_KEYS);
const keyEnds = new Int32Array(MAX_INFO_KEYS);

/**
 * True when `bytes[start, end)` is a JSON object that JSON.stringify(JSON.parse(...))
 * gives back byte for byte: `{"k":"v","k2":123}` with printable ASCII only, no
 * backslash, no whitespace, keys that are not array indices (JSON.parse would
 * move those first) and not repeated, numbers as decimal digits without a
 * leading zero, below 2^53. What the nDPI shim writes (ndpi_result_text.c) is
 * of this form unless a value needed escaping or held non-ASCII bytes.
 */
export function isCanonicalFlatJson(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start < 2 || bytes[start] !== 0x7b || bytes[end - 1] !== 0x7d) return false;
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (c < 0x20 || c >= 0x7f || c === 0x5c) return false;
  }
  let p = start + 1;
  if (p === end - 1) return true; // {}
  let keys = 0;
  for (;;) {
    // "key"
    if (bytes[p] !== 0x22) return false;
    const ks = ++p;
    while (p < end && bytes[p] !== 0x22) p++;
    if (p >= end) return false;
    const ke = p++;
    let digitsOnly = ke > ks;
    for (let i = ks; digitsOnly && i < ke; i++) digitsOnly = bytes[i] >= 0x30 && bytes[i] <= 0x39;
    if (digitsOnly) return false;
    if (keys === MAX_INFO_KEYS) return false;
    for (let k = 0; k < keys; k++) {
      if (keyEnds[k] - keyStarts[k] !== ke - ks) continue;
      let same = true;
      for (let i = 0; same && i < ke - ks; i++) same = bytes[keyStarts[k] + i] === bytes[ks + i];
      if (same) return false;
    }
    keyStarts[keys] = ks;
    keyEnds[keys] = ke;
    keys++;
    if (bytes[p++] !== 0x3a) return false;
    // value: "string" or a canonical integer
    const c = bytes[p];
    if (c === 0x22) {
      p++;
      while (p < end && bytes[p] !== 0x22) p++;
      if (p >= end) return false;
      p++;
    } else if (c >= 0x31 && c <= 0x39) {
      const ns = p;
      while (p < end && bytes[p] >= 0x30 && bytes[p] <= 0x39) p++;
      if (p - ns > 15) return false;
    } else if (c === 0x30) {
      p++;
    } else {
      return false;
    }
    if (p === end - 1) return bytes[p] === 0x7d;
    if (bytes[p++] !== 0x2c) return false;
  }
}
