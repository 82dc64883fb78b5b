import {
  BiflowDirection,
  FieldSpec,
  FIRST_TEMPLATE_ID,
  FlowEndReasonCode,
  FlowprobeElement,
  Ie,
  IPFIX_VERSION,
  MESSAGE_HEADER_BYTES,
  REVERSE_PEN,
  SET_HEADER_BYTES,
  TEMPLATE_SET_ID,
  VARIABLE_LENGTH,
} from './ipfix-elements';
import { IpfixEndReason, IpfixFlow, writeIpv4, writeIpv6 } from './ipfix-flow';

/**
 * `biflow`: one record per flow, forward = client -> server, reverse counts
 * as RFC 5103 elements. `uniflow`: two records per flow (client -> server and
 * server -> client; a direction without packets is left out).
 */
export type IpfixMode = 'biflow' | 'uniflow';

export interface IpfixEncoderOptions {
  observationDomainId: number;
  mode: IpfixMode;
  /** Private enterprise number of the application and server name elements. */
  enterpriseNumber: number;
  /** Largest message (bytes): the UDP datagram, or a TCP message. */
  maxMessageBytes: number;
}

/** A template: id, fields, and the bytes of the record without its variable-length fields. */
export interface IpfixTemplate {
  id: number;
  ipVersion: 4 | 6;
  fields: FieldSpec[];
  fixedBytes: number;
}

const END_REASON: Record<IpfixEndReason, number> = {
  idle: FlowEndReasonCode.IdleTimeout,
  active_timeout: FlowEndReasonCode.ActiveTimeout,
  end_of_flow: FlowEndReasonCode.EndOfFlow,
  end_of_capture: FlowEndReasonCode.ForcedEnd,
  forced_end: FlowEndReasonCode.ForcedEnd,
};

/** Names longer than this are cut (at a character boundary): one-byte variable-length prefix. */
export const MAX_NAME_BYTES = 254;
/** Largest record: IPv6 fixed fields (≤ 100 bytes) and two names with their length bytes. */
const MAX_RECORD_BYTES = 100 + 2 * (MAX_NAME_BYTES + 1);
/** Smallest message that holds the template set, or the largest record with its headers. */
export const MIN_MESSAGE_BYTES = 1024;

/** The templates of a mode: IPv4 then IPv6 (biflow 256/257, uniflow 258/259). */
export function ipfixTemplates(mode: IpfixMode, enterpriseNumber: number): [IpfixTemplate, IpfixTemplate] {
  const make = (id: number, ipVersion: 4 | 6): IpfixTemplate => {
    const addr = ipVersion === 4 ? 4 : 16;
    const f = (ie: number, length: number, pen = 0): FieldSpec => ({ id: ie, length, pen });
    const fields: FieldSpec[] = [
      f(ipVersion === 4 ? Ie.SourceIPv4Address : Ie.SourceIPv6Address, addr),
      f(ipVersion === 4 ? Ie.DestinationIPv4Address : Ie.DestinationIPv6Address, addr),
      f(Ie.SourceTransportPort, 2),
      f(Ie.DestinationTransportPort, 2),
      f(Ie.ProtocolIdentifier, 1),
      f(Ie.TcpControlBits, 2),
      f(Ie.OctetDeltaCount, 8),
      f(Ie.PacketDeltaCount, 8),
      ...(mode === 'biflow' ? [f(Ie.OctetDeltaCount, 8, REVERSE_PEN), f(Ie.PacketDeltaCount, 8, REVERSE_PEN)] : []),
      f(Ie.FlowStartMilliseconds, 8),
      f(Ie.FlowEndMilliseconds, 8),
      f(Ie.IngressInterface, 4),
      f(Ie.VlanId, 2),
      f(Ie.FlowEndReason, 1),
      f(Ie.BiflowDirection, 1),
      f(Ie.SamplingInterval, 4),
      f(FlowprobeElement.ApplicationName, VARIABLE_LENGTH, enterpriseNumber),
      f(FlowprobeElement.ServerName, VARIABLE_LENGTH, enterpriseNumber),
    ];
    const fixedBytes = fields.reduce((n, s) => n + (s.length === VARIABLE_LENGTH ? 0 : s.length), 0);
    return { id, ipVersion, fields, fixedBytes };
  };
  const base = mode === 'biflow' ? FIRST_TEMPLATE_ID : FIRST_TEMPLATE_ID + 2;
  return [make(base, 4), make(base + 1, 6)];
}

/** Bytes of a template record (RFC 7011 §3.4.1): id, count, then 4 or 8 bytes a field. */
function templateRecordBytes(t: IpfixTemplate): number {
  return 4 + t.fields.reduce((n, s) => n + (s.pen ? 8 : 4), 0);
}

/** UTF-8 of a name, cut to MAX_NAME_BYTES without splitting a character. */
function nameBytes(name: string): Buffer {
  const b = Buffer.from(name, 'utf8');
  if (b.length <= MAX_NAME_BYTES) return b;
  let end = MAX_NAME_BYTES;
  while (end > 0 && (b[end] & 0xc0) === 0x80) end--;
  return b.subarray(0, end);
}

/**
 * IPFIX message encoder (RFC 7011) for one observation domain of one
 * transport session: owns the sequence number (data records sent before each
 * message, modulo 2^32). Pure: it builds messages, the transport sends them.
 * Records whose addresses do not parse are skipped and counted.
 */
export class IpfixEncoder {
  readonly templates: [IpfixTemplate, IpfixTemplate];
  /** Data records encoded so far (the next message's sequence number, mod 2^32). */
  sequence = 0;
  /** Records skipped because an address did not parse. */
  invalidRecords = 0;
  private readonly buf: Buffer;
  private readonly appNames = new Map<string, Buffer>();
  private pos = 0;
  private setStart = -1;
  private setId = 0;
  private messageRecords = 0;

  constructor(private readonly opts: IpfixEncoderOptions) {
    if (opts.maxMessageBytes < MIN_MESSAGE_BYTES || opts.maxMessageBytes > 65535) throw new RangeError(`maxMessageBytes must be ${MIN_MESSAGE_BYTES}..65535`);
    this.templates = ipfixTemplates(opts.mode, opts.enterpriseNumber);
    this.buf = Buffer.alloc(opts.maxMessageBytes);
  }

  get mode(): IpfixMode {
    return this.opts.mode;
  }

  /** Starts a new transport session: sequence numbers from 0 (TCP reconnect). */
  reset(): void {
    this.sequence = 0;
  }

  /** Template sets written by the last encode() (one per message that led with them). */
  templatesInMessage = 0;

  /** A message holding only the template set. */
  templateMessage(exportTimeS: number): Buffer {
    this.begin(exportTimeS);
    this.writeTemplateSet();
    return this.finish();
  }

  /**
   * Encodes flows into messages of at most maxMessageBytes; the first one
   * carries the template set when `withTemplates`.
   */
  encode(flows: readonly IpfixFlow[], exportTimeS: number, withTemplates: boolean | (() => boolean)): Buffer[] {
    const out: Buffer[] = [];
    let once = withTemplates === true;
    const templatesDue = typeof withTemplates === 'function' ? withTemplates : () => once && !(once = false);
    this.templatesInMessage = 0;
    let leading = templatesDue();
    this.begin(exportTimeS);
    if (leading) this.writeTemplateSet();
    for (const flow of flows) {
      const t = this.templates[flow.ip_version === 6 ? 1 : 0];
      const app = this.appName(flow.l7);
      const server = flow.server_name ? nameBytes(flow.server_name) : EMPTY;
      const size = t.fixedBytes + 2 + app.length + server.length;
      const uni = this.opts.mode === 'uniflow';
      const records = uni ? (flow.cli2srv.packets > 0 ? 1 : 0) + (flow.srv2cli.packets > 0 ? 1 : 0) : 1;
      for (let r = 0; r < records; r++) {
        // Reverse record of a uniflow pair: only when the forward one was written (or had no packets).
        const reverse = uni && (r === 1 || flow.cli2srv.packets === 0);
        if (this.pos + size + (this.setId === t.id ? 0 : SET_HEADER_BYTES) > this.buf.length) {
          if (this.pos > MESSAGE_HEADER_BYTES) out.push(this.finish());
          this.begin(exportTimeS);
          leading = templatesDue();
          if (leading) this.writeTemplateSet();
        }
        if (this.setId !== t.id) this.openSet(t.id);
        const before = this.pos;
        if (!this.writeRecord(t, flow, reverse, app, server)) {
          this.pos = before;
          this.invalidRecords++;
          break;
        }
        this.messageRecords++;
      }
    }
    if (this.pos > MESSAGE_HEADER_BYTES) out.push(this.finish());
    return out;
  }

  private appName(l7: string): Buffer {
    let b = this.appNames.get(l7);
    if (!b) {
      b = nameBytes(l7);
      if (this.appNames.size < 4096) this.appNames.set(l7, b);
    }
    return b;
  }

  private begin(exportTimeS: number): void {
    const b = this.buf;
    b.writeUInt16BE(IPFIX_VERSION, 0);
    b.writeUInt32BE(Math.floor(exportTimeS) >>> 0, 4);
    b.writeUInt32BE(this.sequence >>> 0, 8);
    b.writeUInt32BE(this.opts.observationDomainId >>> 0, 12);
    this.pos = MESSAGE_HEADER_BYTES;
    this.setStart = -1;
    this.setId = 0;
    this.messageRecords = 0;
  }

  private finish(): Buffer {
    this.closeSet();
    this.buf.writeUInt16BE(this.pos, 2);
    this.sequence = (this.sequence + this.messageRecords) % 0x1_0000_0000;
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  private openSet(id: number): void {
    this.closeSet();
    this.setStart = this.pos;
    this.setId = id;
    this.buf.writeUInt16BE(id, this.pos);
    this.pos += SET_HEADER_BYTES;
  }

  private closeSet(): void {
    if (this.setStart < 0) return;
    this.buf.writeUInt16BE(this.pos - this.setStart, this.setStart + 2);
    this.setStart = -1;
    this.setId = 0;
  }

  private writeTemplateSet(): void {
    this.templatesInMessage++;
    this.openSet(TEMPLATE_SET_ID);
    const b = this.buf;
    for (const t of this.templates) {
      if (this.pos + templateRecordBytes(t) > b.length) throw new RangeError('template does not fit a message');
      b.writeUInt16BE(t.id, this.pos);
      b.writeUInt16BE(t.fields.length, this.pos + 2);
      this.pos += 4;
      for (const s of t.fields) {
        b.writeUInt16BE(s.pen ? s.id | 0x8000 : s.id, this.pos);
        b.writeUInt16BE(s.length, this.pos + 2);
        this.pos += 4;
        if (s.pen) {
          b.writeUInt32BE(s.pen, this.pos);
          this.pos += 4;
        }
      }
    }
    this.closeSet();
  }

  /** Writes one data record in template order; false when an address does not parse. */
  private writeRecord(t: IpfixTemplate, flow: IpfixFlow, reverse: boolean, app: Buffer, server: Buffer): boolean {
    const b = this.buf;
    let p = this.pos;
    const src = reverse ? flow.server : flow.client;
    const dst = reverse ? flow.client : flow.server;
    if (t.ipVersion === 4) {
      if (!writeIpv4(b, p, src.ip) || !writeIpv4(b, p + 4, dst.ip)) return false;
      p += 8;
    } else {
      if (!writeIpv6(b, p, src.ip) || !writeIpv6(b, p + 16, dst.ip)) return false;
      p += 32;
    }
    b.writeUInt16BE(src.port & 0xffff, p);
    b.writeUInt16BE(dst.port & 0xffff, p + 2);
    b[p + 4] = flow.l4_proto & 0xff;
    b.writeUInt16BE((reverse ? flow.tcp_flags.srv2cli : flow.tcp_flags.cli2srv) & 0xfff, p + 5);
    p += 7;
    const fwd = reverse ? flow.srv2cli.packets : flow.cli2srv.packets;
    const fwdBytes = reverse ? flow.ip_bytes.srv2cli : flow.ip_bytes.cli2srv;
    p = writeU64(b, p, fwdBytes);
    p = writeU64(b, p, fwd);
    if (this.opts.mode === 'biflow') {
      p = writeU64(b, p, flow.ip_bytes.srv2cli);
      p = writeU64(b, p, flow.srv2cli.packets);
    }
    p = writeU64(b, p, flow.first_seen_ms);
    p = writeU64(b, p, flow.last_seen_ms);
    b.writeUInt32BE(flow.if_index >>> 0, p);
    b.writeUInt16BE(flow.vlan & 0xfff, p + 4);
    b[p + 6] = END_REASON[flow.end_reason] ?? FlowEndReasonCode.ForcedEnd;
    b[p + 7] = reverse ? BiflowDirection.ReverseInitiator : BiflowDirection.Initiator;
    b.writeUInt32BE(1, p + 8); // samplingInterval: every packet is counted
    p += 12;
    b[p++] = app.length;
    app.copy(b, p);
    p += app.length;
    b[p++] = server.length;
    server.copy(b, p);
    p += server.length;
    this.pos = p;
    return true;
  }
}

const EMPTY = Buffer.alloc(0);

/** Unsigned 64-bit big-endian from a non-negative integer below 2^53. */
function writeU64(b: Buffer, p: number, n: number): number {
  const v = n > 0 ? Math.round(n) : 0;
  b.writeUInt32BE(Math.floor(v / 0x1_0000_0000) >>> 0, p);
  b.writeUInt32BE(v >>> 0, p + 4);
  return p + 8;
}

