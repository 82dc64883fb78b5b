import * as fs from 'node:fs';
import * as path from 'node:path';

/** The shared nDPI captures and their expected ndpiReader output (see ../shared/pcaps/README.md). */
export const PCAP_DIR = path.resolve(__dirname, '../../../shared/pcaps/ndpi');

export function sharedCaptures(): string[] {
  return fs
    .readdirSync(PCAP_DIR)
    .filter((f) => fs.statSync(path.join(PCAP_DIR, f)).isFile())
    .sort();
}

/** One flow line of an expected .out file. */
export interface ExpectedFlow {
  l4: string;
  /** Endpoints as printed: IPv4 "a.b.c.d", IPv6 ndpiReader text (without brackets). */
  src: { ip: string; port: number };
  dst: { ip: string; port: number };
  vlan: number;
  /** Counters src->dst and dst->src (src = sender of the first packet). */
  first: { packets: number; bytes: number };
  second: { packets: number; bytes: number };
  /** Protocol name as printed, e.g. "TLS.YouTube"; tunnel prefix removed. */
  proto: string;
  /** Hostname/SNI, '' if absent. */
  hostname: string;
  undetected: boolean;
}

const FLOW_LINE = /^\t(\d+)\t(\S+) (\[[^\]]+\]|[^\s[]+):(\d+) (<->|->) (\[[^\]]+\]|[^\s[]+):(\d+) (.*)$/;
const COUNTERS = /\[(\d+) pkts\/(\d+) bytes (?:<->|->) (\d+) pkts\/(\d+) bytes\]/;
const PROTO = /\[proto: (?:([A-Z]+):)?([\d.]+)\/([^\]]+)\]/;
const VLAN = /^\[VLAN: (\d+)\]/;
const HOSTNAME = /\[Hostname\/SNI: ([^\]]*)\]/;

/** Parses every flow of an expected .out file (classified and undetected). */
export function readExpectedFlows(capture: string): ExpectedFlow[] {
  const text = fs.readFileSync(path.join(PCAP_DIR, 'expected', `${capture}.out`), 'utf8');
  const flows: ExpectedFlow[] = [];
  let undetected = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('Undetected flows:')) undetected = true;
    const m = FLOW_LINE.exec(line);
    if (!m) continue;
    const rest = m[8];
    const c = COUNTERS.exec(rest);
    if (!c) throw new Error(`${capture}: flow line without counters: ${line}`);
    const proto = PROTO.exec(rest);
    const vlan = VLAN.exec(rest);
    const host = HOSTNAME.exec(rest);
    flows.push({
      l4: m[2],
      src: { ip: stripBrackets(m[3]), port: Number(m[4]) },
      dst: { ip: stripBrackets(m[6]), port: Number(m[7]) },
      vlan: vlan ? Number(vlan[1]) : 0,
      first: { packets: Number(c[1]), bytes: Number(c[2]) },
      second: { packets: Number(c[3]), bytes: Number(c[4]) },
      proto: proto ? proto[3] : 'Unknown',
      hostname: host ? host[1] : '',
      undetected,
    });
  }
  return flows;
}

function stripBrackets(s: string): string {
  return s.startsWith('[') ? s.slice(1, -1) : s;
}

/**
 * Rewrites an IPv6 address the way ndpiReader prints it: inet_ntop text with
 * each ":0:" replaced by "::" left to right (ndpi_patchIPv6Address), which can
 * give non-canonical or invalid text.
 */
export function ndpiReaderIpText(ip: string): string {
  return ip.includes(':') ? ip.replace(/:0:/g, '::') : ip;
}

/** Direction-free key of a flow: L4, VLAN and the two endpoints in sorted order. */
export function flowKey(l4: string, vlan: number, a: { ip: string; port: number }, b: { ip: string; port: number }): string {
  const ea = `${a.ip}|${a.port}`;
  const eb = `${b.ip}|${b.port}`;
  return `${l4} ${vlan} ${ea < eb ? `${ea} ${eb}` : `${eb} ${ea}`}`;
}
