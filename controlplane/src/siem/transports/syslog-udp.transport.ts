import { createSocket, Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { isIPv6 } from 'node:net';
import type { DestinationPolicy } from '../destination-policy';
import { PermanentDeliveryError, SiemTransport } from './siem-transport';

/** Largest UDP payload over IPv4 (65535 − 8 UDP − 20 IP header bytes). */
export const MAX_UDP_PAYLOAD_BYTES = 65507;

/**
 * Syslog over UDP (RFC 5426): one message per datagram. Best effort by nature:
 * a datagram the receiver does not get is not noticed, except when the kernel
 * reports ICMP port unreachable on the connected socket (ECONNREFUSED).
 */
export class SyslogUdpTransport extends EventEmitter implements SiemTransport {
  readonly settleMs = 0;
  generation = 0;
  private socket: Socket | null = null;
  private connecting: Promise<Socket> | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly policy?: DestinationPolicy,
  ) {
    super();
  }

  private connect(): Promise<Socket> {
    if (this.socket) return Promise.resolve(this.socket);
    if (this.connecting) return this.connecting;
    this.connecting = this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async open(): Promise<Socket> {
    const refused = this.policy?.hostRefusal(this.host);
    if (refused) throw new Error(refused);
    // With a policy the destination is resolved (and checked) here, so the socket connects to a vetted address.
    const target = this.policy ? await this.policy.resolve(this.host) : { address: this.host, family: isIPv6(this.host) ? 6 : 4 };
    return new Promise<Socket>((resolve, reject) => {
      const socket = createSocket(target.family === 6 ? 'udp6' : 'udp4');
      socket.once('error', (err) => {
        socket.close();
        reject(err);
      });
      // connect() lets the kernel report ICMP unreachable as ECONNREFUSED on the next send.
      socket.connect(this.port, target.address, () => {
        socket.removeAllListeners('error');
        socket.on('error', () => this.drop(socket));
        this.socket = socket;
        resolve(socket);
      });
    });
  }

  private drop(socket: Socket): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.generation++;
    socket.close();
  }

  async send(messages: string[]): Promise<void> {
    const datagrams = messages.map((m) => Buffer.from(m, 'utf8'));
    const tooBig = datagrams.findIndex((d) => d.length > MAX_UDP_PAYLOAD_BYTES);
    if (tooBig >= 0) throw new PermanentDeliveryError(`message of ${datagrams[tooBig].length} bytes exceeds a UDP datagram`);
    const socket = await this.connect();
    for (const d of datagrams) {
      await new Promise<void>((resolve, reject) =>
        socket.send(d, (err) => {
          if (err) {
            this.drop(socket);
            reject(err);
          } else resolve();
        }),
      );
    }
  }

  async close(): Promise<void> {
    const s = this.socket;
    this.socket = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
