import { EventEmitter } from 'node:events';
import { connect as netConnect, isIP, Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { DestinationPolicy } from '../destination-policy';
import { SyslogTlsOptions } from '../recipient.types';
import { SiemTransport } from './siem-transport';

export interface SyslogStreamOptions {
  host: string;
  port: number;
  /** RFC 6587 §3.4.1 octet counting (`LEN SP MSG`) or §3.4.2 LF-terminated. */
  framing: 'octet-counting' | 'newline';
  /** TLS (RFC 5425) when set. */
  tls?: SyslogTlsOptions;
  /** Give up a connection attempt after this many ms (default 5000). */
  connectTimeoutMs?: number;
  /** Keep written data unacknowledged this long (ms, default 1000): a peer that dies meanwhile gets it again. */
  settleMs?: number;
  /** Refused destination ranges (SSRF), checked on the literal host and on every resolved address. */
  policy?: DestinationPolicy;
}

/** Frames one message for a stream transport. */
export function frameSyslog(message: string, framing: SyslogStreamOptions['framing']): Buffer {
  const body = Buffer.from(message, 'utf8');
  if (framing === 'newline') {
    // LF framing cannot carry a raw LF; every flowprobe body escapes it, this is a guard for headers.
    return Buffer.concat([Buffer.from(message.replace(/\n/g, ' '), 'utf8'), Buffer.from('\n')]);
  }
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

/** Syslog over TCP (RFC 6587) or TLS (RFC 5425): one long-lived connection, re-opened on demand. */
export class SyslogStreamTransport extends EventEmitter implements SiemTransport {
  readonly settleMs: number;
  generation = 0;
  private socket: Socket | null = null;
  private connecting: Promise<Socket> | null = null;

  constructor(private readonly opts: SyslogStreamOptions) {
    super();
    this.settleMs = opts.settleMs ?? 1000;
  }

  private connect(): Promise<Socket> {
    if (this.socket) return Promise.resolve(this.socket);
    if (this.connecting) return this.connecting;
    const { host, port, tls, policy } = this.opts;
    const refused = policy?.hostRefusal(host);
    if (refused) return Promise.reject(new Error(refused));
    const lookup = policy?.lookup;
    this.connecting = new Promise<Socket>((resolve, reject) => {
      const socket: Socket = tls
        ? tlsConnect({
            host,
            port,
            lookup,
            ca: tls.ca,
            cert: tls.cert,
            key: tls.key,
            // SNI must be a name (RFC 6066); for an IP the certificate is checked against its IP SANs.
            servername: tls.servername ?? (isIP(host) ? undefined : host),
            rejectUnauthorized: tls.rejectUnauthorized ?? true,
          })
        : netConnect({ host, port, lookup });
      const readyEvent = tls ? 'secureConnect' : 'connect';
      const timer = setTimeout(() => socket.destroy(new Error(`connect to ${host}:${port} timed out`)), this.opts.connectTimeoutMs ?? 5000);
      const fail = (err: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      socket.once('error', fail);
      socket.once(readyEvent, () => {
        clearTimeout(timer);
        socket.off('error', fail);
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 30_000);
        // Syslog receivers never talk back: any end, error or close means the peer is gone.
        socket.on('data', () => undefined);
        socket.on('end', () => this.lose(socket, new Error('connection closed by peer')));
        socket.on('error', (err) => this.lose(socket, err));
        socket.on('close', () => this.lose(socket, new Error('connection closed')));
        this.socket = socket;
        resolve(socket);
      });
    }).finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private lose(socket: Socket, err: Error): void {
    if (this.socket !== socket) return;
    this.socket = null;
    const dead = this.generation++;
    socket.destroy();
    this.emit('lost', dead, err);
  }

  async send(messages: string[]): Promise<void> {
    const payload = Buffer.concat(messages.map((m) => frameSyslog(m, this.opts.framing)));
    const socket = await this.connect();
    await new Promise<void>((resolve, reject) => {
      // The callback fires once the bytes are handed to the kernel, or with the error that stopped them.
      socket.write(payload, (err) => (err ? reject(err) : resolve()));
    });
    if (this.socket !== socket) throw new Error('connection lost during write');
  }

  async close(): Promise<void> {
    const s = this.socket;
    this.socket = null;
    if (s && !s.destroyed) await new Promise<void>((resolve) => s.end(() => resolve()));
    s?.destroy();
  }
}
