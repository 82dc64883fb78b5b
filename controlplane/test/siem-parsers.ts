/**
 * Strict reference parsers used by the SIEM tests to read what a receiver got:
 * RFC 5424 (ABNF of §6), RFC 3164, RFC 6587 framing and CEF:0 with its
 * escaping rules. Written from the RFCs / CEF guide, independently of the
 * formatters under test, and they reject what does not conform.
 */

export interface Rfc5424Message {
  pri: number;
  version: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  structuredData: Record<string, Record<string, string>>;
  msg: string;
}

export function parseRfc5424(line: string): Rfc5424Message {
  const m = /^<(\d{1,3})>(\d{1,2}) (\S+) (\S+) (\S+) (\S+) (\S+) /.exec(line);
  if (!m) throw new Error(`not RFC 5424: ${line.slice(0, 80)}`);
  const [, pri, version, timestamp, hostname, appName, procId, msgId] = m;
  if (Number(pri) > 191) throw new Error(`PRI out of range: ${pri}`);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/.test(timestamp)) throw new Error(`bad TIMESTAMP ${timestamp}`);
  if (hostname.length > 255 || appName.length > 48 || procId.length > 128 || msgId.length > 32) throw new Error('header field too long');
  let pos = m[0].length; // start of STRUCTURED-DATA
  const sd: Record<string, Record<string, string>> = {};
  if (line[pos] === '-') {
    pos += 1;
  } else {
    while (line[pos] === '[') {
      pos += 1;
      const idEnd = line.slice(pos).search(/[ \]]/);
      const id = line.slice(pos, pos + idEnd);
      pos += idEnd;
      const params: Record<string, string> = {};
      while (line[pos] === ' ') {
        pos += 1;
        const eq = line.indexOf('=', pos);
        const name = line.slice(pos, eq);
        if (!/^[^= \]"]{1,32}$/.test(name) || line[eq + 1] !== '"') throw new Error(`bad SD-PARAM at ${pos}`);
        pos = eq + 2;
        let value = '';
        for (;;) {
          const c = line[pos];
          if (c === undefined) throw new Error('unterminated PARAM-VALUE');
          if (c === '\\' && (line[pos + 1] === '"' || line[pos + 1] === '\\' || line[pos + 1] === ']')) {
            value += line[pos + 1];
            pos += 2;
          } else if (c === '"') {
            pos += 1;
            break;
          } else if (c === ']') {
            throw new Error('unescaped ] in PARAM-VALUE');
          } else {
            value += c;
            pos += 1;
          }
        }
        params[name] = value;
      }
      if (line[pos] !== ']') throw new Error(`SD-ELEMENT not closed at ${pos}`);
      pos += 1;
      sd[id] = params;
    }
  }
  if (line[pos] !== ' ' && pos !== line.length) throw new Error(`no SP before MSG at ${pos}`);
  return {
    pri: Number(pri),
    version: Number(version),
    timestamp,
    hostname,
    appName,
    procId,
    msgId,
    structuredData: sd,
    msg: line.slice(pos + 1),
  };
}

export interface Rfc3164Message {
  pri: number;
  timestamp: string;
  hostname: string;
  tag: string;
  pid: string;
  msg: string;
}

export function parseRfc3164(line: string): Rfc3164Message {
  const m = /^<(\d{1,3})>((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 1-3]\d \d{2}:\d{2}:\d{2}) (\S+) ([A-Za-z0-9_.-]{1,32})\[(\d+)\]: ([\s\S]*)$/.exec(line);
  if (!m) throw new Error(`not RFC 3164: ${line.slice(0, 80)}`);
  return { pri: Number(m[1]), timestamp: m[2], hostname: m[3], tag: m[4], pid: m[5], msg: m[6] };
}

/** Splits an RFC 6587 octet-counted stream into messages; throws on a bad frame. */
export function splitOctetCounted(stream: Buffer): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < stream.length) {
    const sp = stream.indexOf(0x20, pos);
    const len = Number(stream.subarray(pos, sp).toString('ascii'));
    if (sp < 0 || !/^[1-9]\d*$/.test(stream.subarray(pos, sp).toString('ascii'))) throw new Error(`bad MSG-LEN at ${pos}`);
    out.push(stream.subarray(sp + 1, sp + 1 + len).toString('utf8'));
    pos = sp + 1 + len;
  }
  return out;
}

export interface CefRecord {
  version: string;
  vendor: string;
  product: string;
  deviceVersion: string;
  signatureId: string;
  name: string;
  severity: string;
  extension: Record<string, string>;
}

export function parseCef(text: string): CefRecord {
  if (!text.startsWith('CEF:')) throw new Error(`not CEF: ${text.slice(0, 40)}`);
  const header: string[] = [];
  let cur = '';
  let pos = 0;
  while (header.length < 7) {
    const c = text[pos];
    if (c === undefined) throw new Error('CEF header has fewer than 8 fields');
    if (c === '\\') {
      const n = text[pos + 1];
      if (n !== '|' && n !== '\\') throw new Error(`bad header escape \\${n}`);
      cur += n;
      pos += 2;
    } else if (c === '|') {
      header.push(cur);
      cur = '';
      pos += 1;
    } else {
      if (c === '\n' || c === '\r') throw new Error('newline in CEF header');
      cur += c;
      pos += 1;
    }
  }
  const ext = text.slice(pos);
  const extension: Record<string, string> = {};
  // A key starts after a space (or at the start) and ends at an unescaped '='.
  const keyRe = /(?:^| )([A-Za-z0-9_]+)=/g;
  const starts: { key: string; valueStart: number; keyStart: number }[] = [];
  let km: RegExpExecArray | null;
  while ((km = keyRe.exec(ext))) {
    const eqPos = km.index + km[0].length - 1;
    let bs = 0;
    for (let i = eqPos - 1; i >= 0 && ext[i] === '\\'; i--) bs++;
    if (bs % 2 === 1) continue;
    starts.push({ key: km[1], keyStart: km.index, valueStart: eqPos + 1 });
  }
  starts.forEach((s, i) => {
    const raw = ext.slice(s.valueStart, i + 1 < starts.length ? starts[i + 1].keyStart : ext.length);
    let v = '';
    for (let j = 0; j < raw.length; j++) {
      if (raw[j] === '\\') {
        const n = raw[++j];
        if (n === '=' || n === '\\') v += n;
        else if (n === 'n') v += '\n';
        else if (n === 'r') v += '\r';
        else throw new Error(`bad extension escape \\${n}`);
      } else if (raw[j] === '=') {
        throw new Error(`unescaped = in value of ${s.key}`);
      } else {
        v += raw[j];
      }
    }
    extension[s.key] = v;
  });
  return {
    version: header[0],
    vendor: header[1],
    product: header[2],
    deviceVersion: header[3],
    signatureId: header[4],
    name: header[5],
    severity: header[6],
    extension,
  };
}
