import { createSocket, Socket as UdpSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { connect, Socket } from 'node:net';
import type { DestinationPolicy } from '../siem/destination-policy';
import { IpfixEncoder, IpfixMode } from './ipfix-encoder';
import { FLOWPROBE_DEFAULT_PEN } from './ipfix-elements';
import { IpfixFlow } from './ipfix-flow';

export type IpfixTransport = 'udp' | 'tcp';

/** One collector as the exporter needs it (validated before it gets here). */
export interface IpfixCollectorTarget {
  host: string;
  port: number;
  transport: IpfixTransport;
  mode: IpfixMode;
  observationDomainId: number;
  /** UDP: resend the templates after this many seconds (RFC 7011 §8.4; default 60). */
  templateRefreshS?: number;
  /** UDP: ... or after this many messages, whichever comes first (default 100). */
  templateRefreshMessages?: number;
  /** Records kept while the collector cannot take them (TCP down, or a UDP send in progress); default 100 000. */
  maxQueuedRecords?: number;
  enterpriseNumber?: number;
  /** Message size: default 1400 bytes over UDP (fits a 1500-byte MTU), 16 KiB over TCP. */
  maxMessageBytes?: number;
  /** TCP: reconnect backoff, doubled from min to max (ms; default 500 .. 30 000). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /**
   * Vets the collector at every connect (UDP socket opened, TCP connection
   * attempted) on each resolved address. The appliance passes the shared
   * destination policy; `analyze --export`, run by the operator, none.
   */
  policy?: DestinationPolicy;
}

export interface IpfixExporterStats {
  /** Records handed to export(). */
  records_in: number;
  /** Data records written into messages that were sent. */
  records_sent: number;
  messages_sent: number;
  bytes_sent: number;
  templates_sent: number;
  /** Records dropped: queue full (TCP down), or in a datagram the kernel refused (UDP, collector unreachable). */
  records_dropped: number;
  /** Records whose addresses did not encode. */
  records_invalid: number;
  queued: number;
  max_queued: number;
  connected: boolean;
  reconnects: number;
  send_errors: number;
  last_error?: string;
}

/** Records per encode/send step: bounds the time one step holds the event loop. */
const BATCH_RECORDS = 2000;

/**
 * Exports flow records to one IPFIX collector, off the packet path: export()
 * only appends to a bounded queue and never waits; a pump encodes and sends.
 *
 * - UDP (RFC 7011 §10.3): templates with the first message, then again every
 *   templateRefreshS seconds or templateRefreshMessages messages. The socket
 *   is connected, so an unreachable collector comes back as ECONNREFUSED on a
 *   later send: the records of refused datagrams are counted as dropped (a
 *   lower bound: the datagram that drew the ICMP error is lost uncounted; the
 *   collector sees the gap in the sequence numbers).
 * - TCP (RFC 7011 §10.4): one connection; templates once per connection, the
 *   sequence restarts at 0 with each one. While disconnected, records wait
 *   in the queue (bound maxQueuedRecords, overflow counted) and the exporter
 *   reconnects with exponential backoff.
 */
export class IpfixExporter {
  private readonly encoder: IpfixEncoder;
  private readonly queue: IpfixFlow[][] = [];
  private queuedRecords = 0;
  private readonly maxQueued: number;
  private readonly counters = {
    records_in: 0,
    records_sent: 0,
    messages_sent: 0,
    bytes_sent: 0,
    templates_sent: 0,
    records_dropped: 0,
    reconnects: 0,
    send_errors: 0,
  };
  private lastError: string | undefined;
  private pumping: Promise<void> | null = null;
  private closed = false;
  private udp: UdpSocket | null = null;
  private udpReady: Promise<void> | null = null;
  private lastTemplateMs = 0;
  private messagesSinceTemplate = 0;
  private tcp: Socket | null = null;
  private tcpTemplatesSent = false;
  private backoffMs = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private idleWaiters: (() => void)[] = [];

  constructor(readonly target: IpfixCollectorTarget) {
    this.maxQueued = target.maxQueuedRecords ?? 100_000;
    this.encoder = new IpfixEncoder({
      observationDomainId: target.observationDomainId,
      mode: target.mode,
      enterpriseNumber: target.enterpriseNumber ?? FLOWPROBE_DEFAULT_PEN,
      maxMessageBytes: target.maxMessageBytes ?? (target.transport === 'udp' ? 1400 : 16384),
    });
    if (target.transport === 'tcp') this.connectTcp();
  }

  /** Queues records for export; never waits. Past the bound, records are dropped and counted. */
  export(flows: readonly IpfixFlow[]): void {
    this.counters.records_in += flows.length;
    if (this.closed) {
      this.counters.records_dropped += flows.length;
      return;
    }
    const room = Math.max(0, this.maxQueued - this.queuedRecords);
    const take = flows.length <= room ? flows.slice() : flows.slice(0, room);
    this.counters.records_dropped += flows.length - take.length;
    if (take.length === 0) return;
    this.queue.push(take);
    this.queuedRecords += take.length;
    this.pump();
  }

  /** Resolves once the queue is empty (or the exporter is closed). For `analyze --export`. */
  drain(): Promise<void> {
    if (this.queuedRecords === 0 && !this.pumping) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stats(): IpfixExporterStats {
    return {
      ...this.counters,
      records_invalid: this.encoder.invalidRecords,
      queued: this.queuedRecords,
      max_queued: this.maxQueued,
      connected: this.target.transport === 'udp' ? this.udp !== null : this.tcp !== null,
      ...(this.lastError ? { last_error: this.lastError } : {}),
    };
  }

  /** Stops exporting: what is still queued is dropped (counted). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    await this.pumping;
    this.counters.records_dropped += this.queuedRecords;
    this.queue.length = 0;
    this.queuedRecords = 0;
    const tcp = this.tcp;
    this.tcp = null;
    if (tcp) await new Promise<void>((resolve) => tcp.end(() => resolve()));
    tcp?.destroy();
    const udp = this.udp;
    this.udp = null;
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
    this.wakeIdle();
  }

  private pump(): void {
    if (this.pumping || this.closed) return;
    if (this.target.transport === 'tcp' && !this.tcp) return;
    this.pumping = this.pumpLoop()
      .catch((err: Error) => this.fail(err))
      .finally(() => {
        this.pumping = null;
        if (this.queuedRecords > 0 && !this.closed && (this.target.transport === 'udp' || this.tcp)) this.pump();
        else this.wakeIdle();
      });
  }

  private wakeIdle(): void {
    if (this.queuedRecords > 0 && !this.closed) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private takeBatch(): IpfixFlow[] {
    const head = this.queue[0];
    if (head.length <= BATCH_RECORDS) {
      this.queue.shift();
      this.queuedRecords -= head.length;
      return head;
    }
    const batch = head.splice(0, BATCH_RECORDS);
    this.queuedRecords -= batch.length;
    return batch;
  }

  private async pumpLoop(): Promise<void> {
    while (this.queuedRecords > 0 && !this.closed) {
      if (this.target.transport === 'udp') await this.sendUdpBatch(this.takeBatch());
      else {
        const socket = this.tcp;
        if (!socket) return;
        const batch = this.queue[0].length <= BATCH_RECORDS ? this.queue[0] : this.queue[0].slice(0, BATCH_RECORDS);
        const ok = await this.sendTcpBatch(socket, batch);
        if (!ok) return; // connection lost: the batch stays queued for the next connection
        this.takeBatch();
      }
      // Let other work run between batches.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private fail(err: Error): void {
    this.counters.send_errors++;
    this.lastError = err.message;
  }

  // --- UDP ---------------------------------------------------------------

  private openUdp(): Promise<void> {
    if (this.udpReady) return this.udpReady;
    this.udpReady = this.connectUdp()
      .then((socket) => {
        this.udp = socket;
      })
      .catch((err: Error) => {
        this.udpReady = null;
        throw err;
      });
    return this.udpReady;
  }

  /** A UDP socket connected to the collector's first address the policy allows. */
  private async connectUdp(): Promise<UdpSocket> {
    const { host, port, policy } = this.target;
    let address = host;
    if (policy) {
      const refused = policy.hostRefusal(host);
      if (refused) throw Object.assign(new Error(refused), { code: 'EDESTREFUSED' });
      address = (await policy.resolve(host)).address;
    }
    const socket = createSocket(isIPv6(address) ? 'udp6' : 'udp4');
    socket.on('error', (err) => this.fail(err));
    try {
      await new Promise<void>((resolve, reject) => socket.connect(port, address, (err?: Error) => (err ? reject(err) : resolve())));
      return socket;
    } catch (err) {
      socket.close();
      throw err;
    }
  }

  private async sendUdpBatch(batch: IpfixFlow[]): Promise<void> {
    try {
      await this.openUdp();
    } catch (err) {
      this.counters.records_dropped += batch.length;
      throw err;
    }
    const socket = this.udp;
    if (!socket) {
      this.counters.records_dropped += batch.length;
      return;
    }
    const nowMs = Date.now();
    const refreshMs = (this.target.templateRefreshS ?? 60) * 1000;
    const refreshMessages = this.target.templateRefreshMessages ?? 100;
    // Asked at the start of every message: templates lead the first message and then every
    // refreshMessages messages or refreshMs, whichever comes first (RFC 7011 §8.4).
    const due = (): boolean => {
      const yes = this.lastTemplateMs === 0 || nowMs - this.lastTemplateMs >= refreshMs || this.messagesSinceTemplate >= refreshMessages;
      if (yes) {
        this.lastTemplateMs = nowMs;
        this.messagesSinceTemplate = 0;
      }
      this.messagesSinceTemplate++;
      return yes;
    };
    const messages = this.encoder.encode(batch, nowMs / 1000, due);
    this.counters.templates_sent += this.encoder.templatesInMessage;
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i];
      const next = i + 1 < messages.length ? messages[i + 1].readUInt32BE(8) : this.encoder.sequence;
      const records = (next - message.readUInt32BE(8)) >>> 0;
      try {
        await new Promise<void>((resolve, reject) => socket.send(message, (err) => (err ? reject(err) : resolve())));
        this.counters.messages_sent++;
        this.counters.bytes_sent += message.length;
        this.counters.records_sent += records;
      } catch (err) {
        this.counters.records_dropped += records;
        this.fail(err as Error);
      }
    }
  }

  // --- TCP ---------------------------------------------------------------

  private connectTcp(): void {
    if (this.closed || this.tcp || this.reconnectTimer) return;
    const { host, port, policy } = this.target;
    // Literal addresses skip `lookup`: judged here, at every attempt (the allowlist may have changed).
    const refused = policy?.hostRefusal(host);
    if (refused) {
      this.fail(new Error(refused));
      this.scheduleReconnect();
      return;
    }
    const socket = connect({ host, port, ...(policy ? { lookup: policy.lookup } : {}) });
    let up = false;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    socket.on('data', () => undefined); // collectors do not talk back
    socket.once('connect', () => {
      up = true;
      this.tcp = socket;
      this.tcpTemplatesSent = false;
      this.encoder.reset();
      this.backoffMs = 0;
      this.pump();
    });
    const lost = (err?: Error) => {
      if (err) this.fail(err);
      socket.destroy();
      if (this.tcp === socket) this.tcp = null;
      if (up) this.counters.reconnects++;
      up = false;
      this.scheduleReconnect();
    };
    socket.once('error', lost);
    socket.once('end', () => lost(new Error('connection closed by collector')));
    socket.once('close', () => lost());
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer || this.tcp) return;
    const min = this.target.reconnectMinMs ?? 500;
    const max = this.target.reconnectMaxMs ?? 30_000;
    this.backoffMs = this.backoffMs === 0 ? min : Math.min(max, this.backoffMs * 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connectTcp();
    }, this.backoffMs);
    this.reconnectTimer.unref();
  }

  /** Writes one batch; false when the connection was lost before it was handed to the kernel. */
  private async sendTcpBatch(socket: Socket, batch: IpfixFlow[]): Promise<boolean> {
    const withTemplates = !this.tcpTemplatesSent;
    const before = this.encoder.sequence;
    const messages = this.encoder.encode(batch, Date.now() / 1000, withTemplates);
    const payload = Buffer.concat(messages);
    const ok = await new Promise<boolean>((resolve) => {
      if (socket.destroyed || this.tcp !== socket) return resolve(false);
      socket.write(payload, (err) => resolve(!err));
    });
    if (!ok || this.tcp !== socket) {
      this.encoder.sequence = before;
      return false;
    }
    if (withTemplates) {
      this.tcpTemplatesSent = true;
      this.counters.templates_sent++;
    }
    this.counters.messages_sent += messages.length;
    this.counters.bytes_sent += payload.length;
    this.counters.records_sent += (this.encoder.sequence - before) >>> 0;
    return true;
  }
}
