import { ChildProcess, execFile, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer, Server, Socket } from 'node:net';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

/**
 * Real IPFIX collectors from Debian for the export tests: nfdump's nfcapd
 * (read back with `nfdump -o json`), pmacct's nfacctd, and Debian's softflowd
 * as the reference exporter. Each runs on an ephemeral port in its own
 * folder and is stopped by its PID.
 */
const run = promisify(execFile);

/** A UDP port that was free a moment ago (bound to 0, then released). */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** A child process whose output is kept (memory and file); stopped by its PID. */
interface Child {
  proc: ChildProcess;
  output: () => string;
  closed: Promise<void>;
}

/** Starts a child and waits until its output (or `readyFile`'s text) shows `ready`. */
async function startChild(cmd: string, args: string[], ready: RegExp, logFile: string, readyFile?: string): Promise<Child> {
  // Its own process group: nfacctd forks plugin processes, stopped with it.
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let seen = '';
  const onData = (d: Buffer) => {
    fs.appendFileSync(logFile, d);
    seen += d.toString();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const closed = new Promise<void>((resolve) => proc.once('close', () => resolve()));
  const child = { proc, output: () => seen, closed };
  const text = () => (readyFile ? (fs.existsSync(readyFile) ? fs.readFileSync(readyFile, 'utf8') : '') : seen);
  const end = Date.now() + 10_000;
  while (!ready.test(text())) {
    if (proc.exitCode !== null || Date.now() > end) {
      await stopChild(child);
      throw new Error(`${cmd} did not start: ${seen}${readyFile ? text() : ''}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return child;
}

async function stopChild(child: Child): Promise<void> {
  const p = child.proc;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-p.pid!, sig);
    } catch {
      // the group is gone
    }
  };
  if (p.exitCode === null && p.signalCode === null) signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5_000);
  await child.closed;
  clearTimeout(timer);
  signal('SIGKILL'); // plugin processes left behind by their parent
}

/** One flow as nfdump prints it (`-o json`), the fields compared here. */
export interface NfdumpFlow {
  src: string;
  dst: string;
  src_port: number;
  dst_port: number;
  proto: number;
  vlan: number;
  in_packets: number;
  in_bytes: number;
  out_packets: number;
  out_bytes: number;
  first: string;
  last: string;
  tcp_flags: string;
  sampled: number;
}

/** nfcapd 1.7.1 on 127.0.0.1 (UDP); restartable on the same port. */
export class Nfcapd {
  private child: Child | null = null;
  private lastLog = '';
  constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async start(dir: string): Promise<Nfcapd> {
    fs.mkdirSync(dir, { recursive: true });
    const n = new Nfcapd(dir, await freeUdpPort());
    await n.restart();
    return n;
  }

  async restart(): Promise<void> {
    const flows = path.join(this.dir, 'flows');
    fs.mkdirSync(flows, { recursive: true });
    // -B: a 4 MiB socket buffer (the kernel caps it at net.core.rmem_max): a relay's burst of datagrams must not
    // overflow the default ~208 KiB while nfcapd waits for a core on a loaded machine (UDP has no back-pressure).
    this.child = await startChild('nfcapd', ['-b', '127.0.0.1', '-p', String(this.port), '-B', String(4 << 20), '-w', flows, '-t', '3600'], /Startup nfcapd/, path.join(this.dir, 'nfcapd.log'));
  }

  /** Stops nfcapd (it writes its file on SIGTERM); returns its log. */
  async stop(): Promise<string> {
    if (this.child) {
      await stopChild(this.child);
      this.lastLog = this.child.output();
    }
    this.child = null;
    return this.lastLog;
  }

  /** Every flow nfcapd stored, read back with nfdump. */
  async flows(): Promise<NfdumpFlow[]> {
    const { stdout } = await run('nfdump', ['-R', path.join(this.dir, 'flows'), '-o', 'json'], { maxBuffer: 256 << 20 });
    const raw = stdout.trim() === '' ? [] : (JSON.parse(stdout) as Record<string, string | number>[]);
    return raw.map((f) => ({
      src: String(f.src4_addr ?? f.src6_addr),
      dst: String(f.dst4_addr ?? f.dst6_addr),
      src_port: Number(f.src_port),
      dst_port: Number(f.dst_port),
      proto: Number(f.proto),
      vlan: Number(f.src_vlan ?? 0),
      in_packets: Number(f.in_packets),
      in_bytes: Number(f.in_bytes),
      out_packets: Number(f.out_packets ?? 0),
      out_bytes: Number(f.out_bytes ?? 0),
      first: String(f.first),
      last: String(f.last),
      tcp_flags: String(f.tcp_flags),
      sampled: Number(f.sampled),
    }));
  }
}

/** pmacct's nfacctd with the print plugin writing JSON lines; stopped by PID. */
export class Nfacctd {
  private constructor(
    private readonly child: Child,
    readonly port: number,
    readonly out: string,
    readonly log: string,
  ) {}

  static async start(dir: string): Promise<Nfacctd> {
    fs.mkdirSync(dir, { recursive: true });
    const port = await freeUdpPort();
    const out = path.join(dir, 'nfacctd.json');
    const log = path.join(dir, 'nfacctd.log');
    const conf = path.join(dir, 'nfacctd.conf');
    fs.writeFileSync(
      conf,
      [
        `nfacctd_ip: 127.0.0.1`,
        `nfacctd_port: ${port}`,
        `logfile: ${log}`,
        `plugins: print`,
        `aggregate: src_host, dst_host, src_port, dst_port, proto, vlan`,
        `print_output: json`,
        `print_output_file: ${out}`,
        `print_refresh_time: 1`,
        `print_output_file_append: true`,
        `nfacctd_time_new: true`,
        '',
      ].join('\n'),
    );
    // nfacctd logs to its logfile: wait until it says it listens.
    const child = await startChild('nfacctd', ['-f', conf], /waiting for NetFlow/i, path.join(dir, 'nfacctd.stdout'), log);
    return new Nfacctd(child, port, out, log);
  }

  async stop(): Promise<void> {
    await stopChild(this.child);
  }

  records(): Record<string, string | number>[] {
    if (!fs.existsSync(this.out)) return [];
    return fs.readFileSync(this.out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  }

  logText(): string {
    return fs.existsSync(this.log) ? fs.readFileSync(this.log, 'utf8') : '';
  }
}

/** Runs Debian's softflowd on a capture (IPFIX, bidirectional), exporting to 127.0.0.1:port. */
export async function softflowdExport(capture: string, port: number, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  // `-c none`: softflowd 1.1.0 reading a file blocks in accept() on its control socket otherwise.
  await run('softflowd', ['-r', capture, '-v', '10', '-b', '-n', `127.0.0.1:${port}`, '-d', '-p', path.join(dir, 'softflowd.pid'), '-c', 'none'], { timeout: 60_000 });
}

/**
 * An IPFIX-over-TCP collector for nfcapd, which takes UDP only: accepts
 * RFC 7011 §10.4 connections, cuts the stream into messages by their length
 * field and hands each to nfcapd as one datagram. Stoppable and restartable
 * on the same port; counts what it received.
 */
export class TcpToUdpRelay {
  messages = 0;
  connections = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly udp = createSocket('udp4');

  private constructor(
    public port: number,
    private readonly udpPort: number,
  ) {}

  static async start(udpPort: number): Promise<TcpToUdpRelay> {
    const r = new TcpToUdpRelay(0, udpPort);
    await r.listen();
    return r;
  }

  async listen(): Promise<void> {
    const server = createServer((socket) => {
      this.connections++;
      this.sockets.add(socket);
      let pending = Buffer.alloc(0);
      socket.on('data', (d) => {
        pending = Buffer.concat([pending, d]);
        while (pending.length >= 4 && pending.length >= pending.readUInt16BE(2)) {
          const len = pending.readUInt16BE(2);
          this.udp.send(pending.subarray(0, len), this.udpPort, '127.0.0.1');
          this.messages++;
          pending = pending.subarray(len);
        }
      });
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Closes the listener and every connection (the collector goes down). */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((resolve) => this.udp.close(() => resolve()));
  }
}
