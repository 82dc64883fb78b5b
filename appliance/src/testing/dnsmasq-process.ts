import { ChildProcess, spawn } from 'node:child_process';
import { freeUdpPort } from './ipfix-collectors';

/**
 * Debian's dnsmasq as the resolver of the reverse DNS tests: on 127.0.0.1 and
 * an ephemeral port, answering only the PTR records it is given (no upstream,
 * no /etc/hosts), in the foreground; stopped by its PID.
 */
export class DnsmasqProcess {
  private constructor(
    private readonly proc: ChildProcess,
    readonly port: number,
    private readonly closed: Promise<void>,
  ) {}

  /** `host:port` for a resolver list. */
  get server(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Starts dnsmasq answering `ptr` (address -> name); resolves once it serves. */
  static async start(ptr: Record<string, string>): Promise<DnsmasqProcess> {
    const port = await freeUdpPort();
    const records = Object.entries(ptr).map(([ip, name]) => `--ptr-record=${ip.split('.').reverse().join('.')}.in-addr.arpa,${name}`);
    const proc = spawn(
      '/usr/sbin/dnsmasq',
      ['--keep-in-foreground', '--conf-file=/dev/null', `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--no-resolv', '--no-hosts', '--pid-file=', '--log-facility=-', ...records],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const closed = new Promise<void>((resolve) => proc.once('close', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`dnsmasq did not start: ${output}`)), 15_000);
      const onData = (d: Buffer) => {
        output += d.toString();
        if (/started, version/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.once('close', (code) => {
        clearTimeout(timer);
        reject(new Error(`dnsmasq exited (${code}): ${output}`));
      });
    });
    return new DnsmasqProcess(proc, port, closed);
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGTERM');
    await this.closed;
  }
}
