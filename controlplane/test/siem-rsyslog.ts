/**
 * Test harness: a private rsyslogd (Debian's rsyslog + rsyslog-gnutls) on free
 * loopback ports, with its own config, pid file and work directory in a temp
 * dir. It listens on UDP, TCP, TLS (server auth) and TLS with required client
 * certificates (x509/certvalid), and writes every received message as one JSON
 * line: the raw message plus the fields rsyslog itself parsed out of it.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Received {
  input: string;
  rawmsg: string;
  msg: string;
  hostname: string;
  appname: string;
  procid: string;
  msgid: string;
  sd: string;
  pri: string;
  severity: string;
  facility: string;
  protocolversion: string;
  timereported: string;
  /** When rsyslog received the message (RFC 3339, microseconds). */
  received: string;
}

export interface Certs {
  dir: string;
  ca: string;
  clientCert: string;
  clientKey: string;
  /** A CA that did not sign the server certificate. */
  otherCa: string;
}

/** A TCP port and a UDP port nobody is bound to right now. */
export async function freePort(kind: 'tcp' | 'udp' = 'tcp'): Promise<number> {
  if (kind === 'udp') {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    const port = s.address().port;
    await new Promise<void>((r) => s.close(() => r()));
    return port;
  }
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** A CA, a server certificate for localhost/127.0.0.1, a client certificate, and an unrelated CA. */
export function makeCerts(dir: string): Certs {
  mkdirSync(dir, { recursive: true });
  const subj = (cn: string) => ['-subj', `/CN=${cn}`];
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', ...subj('flowprobe test CA')], dir);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other-ca.key', '-out', 'other-ca.pem', '-days', '2', ...subj('unrelated CA')], dir);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, cn] of [['server', 'localhost'], ['client', 'flowprobe-client']]) {
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, ...subj(cn)], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`], dir);
  }
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return { dir, ca: read('ca.pem'), clientCert: read('client.pem'), clientKey: read('client.key'), otherCa: read('other-ca.pem') };
}

const FIELDS: [string, string][] = [
  ['input', 'inputname'], ['rawmsg', 'rawmsg'], ['msg', 'msg'], ['hostname', 'hostname'], ['appname', 'app-name'],
  ['procid', 'procid'], ['msgid', 'msgid'], ['sd', 'structured-data'], ['pri', 'pri'], ['severity', 'syslogseverity'],
  ['facility', 'syslogfacility'], ['protocolversion', 'protocol-version'],
];

export class Rsyslog {
  readonly dir: string;
  readonly out: string;
  readonly certs: Certs;
  udpPort = 0;
  tcpPort = 0;
  tlsPort = 0;
  mtlsPort = 0;
  private proc: ChildProcess | null = null;

  /**
   * @param lean write only `<received RFC 3339 µs> <structured data>` per message (benchmarks: a
   * tenth of the disk traffic of the full JSON lines).
   */
  constructor(private readonly lean = false) {
    this.dir = mkdtempSync(join(tmpdir(), 'flowprobe-rsyslog-'));
    this.out = join(this.dir, 'received.jsonl');
    this.certs = makeCerts(join(this.dir, 'certs'));
    mkdirSync(join(this.dir, 'work'));
  }

  async allocatePorts(): Promise<void> {
    this.udpPort = await freePort('udp');
    this.tcpPort = await freePort();
    this.tlsPort = await freePort();
    this.mtlsPort = await freePort();
  }

  private writeConfig(): string {
    const c = this.certs.dir;
    const tpl = FIELDS.map(([out, name]) => `  property(outname="${out}" name="${name}" format="jsonf")`).join('\n  constant(value=",")\n');
    const conf = `
global(workDirectory="${this.dir}/work" maxMessageSize="64k"
  defaultNetstreamDriverCAFile="${c}/ca.pem" defaultNetstreamDriverCertFile="${c}/server.pem" defaultNetstreamDriverKeyFile="${c}/server.key")
module(load="imudp")
module(load="imtcp" maxSessions="200")
input(type="imudp" address="127.0.0.1" port="${this.udpPort}" name="udp")
input(type="imtcp" address="127.0.0.1" port="${this.tcpPort}" name="tcp")
input(type="imtcp" address="127.0.0.1" port="${this.tlsPort}" name="tls" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")
input(type="imtcp" address="127.0.0.1" port="${this.mtlsPort}" name="mtls" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="x509/certvalid")
template(name="fpjson" type="list") {
  constant(value="{")
${tpl}
  constant(value=",")
  property(outname="timereported" name="timereported" dateFormat="rfc3339" format="jsonf")
  constant(value=",")
  property(outname="received" name="timegenerated" dateFormat="rfc3339" format="jsonf")
  constant(value="}\\n")
}
template(name="fplean" type="string" string="%timegenerated:::date-rfc3339% %structured-data%\n")
action(type="omfile" file="${this.out}" template="${this.lean ? 'fplean' : 'fpjson'}" flushOnTXEnd="on" asyncWriting="off")
`;
    const path = join(this.dir, 'rsyslog.conf');
    writeFileSync(path, conf);
    return path;
  }

  /** Starts rsyslogd in the foreground (-n) and waits until every port accepts. */
  async start(): Promise<void> {
    if (!this.udpPort) await this.allocatePorts();
    const conf = this.writeConfig();
    execFileSync('rsyslogd', ['-N1', '-f', conf], { stdio: 'pipe' });
    const pidFile = join(this.dir, 'rsyslogd.pid');
    this.proc = spawn('rsyslogd', ['-n', '-f', conf, '-i', pidFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    this.proc.stderr!.on('data', (d) => (stderr += d));
    const deadline = Date.now() + 15_000;
    for (const port of [this.tcpPort, this.tlsPort, this.mtlsPort]) {
      while (!(await canConnect(port))) {
        if (this.proc.exitCode !== null || Date.now() > deadline) throw new Error(`rsyslogd did not listen on ${port}: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** SIGTERM and wait for exit (rsyslog closes its sockets and flushes its file action). */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill('SIGTERM');
    await exited;
    this.proc = null;
  }

  received(): Received[] {
    if (!existsSync(this.out)) return [];
    return readFileSync(this.out, 'utf8')
      .split('\n')
      .filter((l) => l.length)
      .map((l) => JSON.parse(l) as Received);
  }

  /** Waits until `predicate(received())` holds or the timeout passes; returns the last snapshot. */
  async waitFor(predicate: (r: Received[]) => boolean, timeoutMs = 20_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = this.received();
      if (predicate(r) || Date.now() > deadline) return r;
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = require('node:net').connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
