import { BadRequestException, ConflictException, Injectable, Logger, NotFoundException, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { FlowExportRecord } from '@flowprobe/dataplane';
import type { IpfixCollectorView } from '../api/ipfix.types';
import { DataplaneRepository } from '../dataplane/dataplane.repository';
import { FlowRecordDispatcher } from '../flow-records/flow-record-dispatcher';
import { Gauge } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';
import { SettingsService } from '../settings/settings.service';
import { DestinationPolicy } from '../siem/destination-policy';
import { IpfixCollectorDto } from './dto/ipfix-collector.dto';
import { IpfixCollectorEntity } from './ipfix-collector.entity';
import { IpfixCollectorsRepository } from './ipfix-collectors.repository';
import { IpfixExporter } from './ipfix-exporter';
import { IpfixFlow } from './ipfix-flow';

/**
 * Turns the flow-record path's records into IPFIX records. Packet counts
 * come as deltas; IP-layer bytes come as flow totals (the flow slot has no
 * room for a second "already reported" pair), so the bytes already reported
 * by a flow's interim records are kept here, by flow key, until its final
 * record: delta = total - reported. A record lost on the way only makes the
 * next delta larger, so the sum per flow stays exact. At most MAX_OPEN_FLOWS
 * flows are remembered (oldest forgotten first: its next record then carries
 * the whole total).
 */
export class IpBytesDeltas {
  static readonly MAX_OPEN_FLOWS = 1_000_000;
  private readonly reported = new Map<string, [number, number]>();

  toIpfix(r: FlowExportRecord, ifIndex: number): IpfixFlow {
    const total = r.ip_bytes_total ?? { cli2srv: 0, srv2cli: 0 };
    const seen = this.reported.get(r.key);
    const ip_bytes = seen ? { cli2srv: Math.max(0, total.cli2srv - seen[0]), srv2cli: Math.max(0, total.srv2cli - seen[1]) } : total;
    if (r.end_reason === 'active_timeout') {
      if (seen) this.reported.delete(r.key); // re-insert: newest last
      else if (this.reported.size >= IpBytesDeltas.MAX_OPEN_FLOWS) this.reported.delete(this.reported.keys().next().value as string);
      this.reported.set(r.key, [total.cli2srv, total.srv2cli]);
    } else if (seen) this.reported.delete(r.key);
    return {
      ip_version: r.ip_version,
      l4_proto: r.l4_proto,
      vlan: r.vlan,
      client: r.client,
      server: r.server,
      cli2srv: r.cli2srv,
      srv2cli: r.srv2cli,
      ip_bytes,
      first_seen_ms: r.first_seen_ms,
      last_seen_ms: r.last_seen_ms,
      end_reason: r.end_reason,
      tcp_flags: r.tcp_flags,
      l7: r.l7,
      server_name: r.server_name,
      if_index: ifIndex,
    };
  }
}

/**
 * IPFIX collectors: stored in SQLite, one IpfixExporter per enabled
 * collector, fed with every ended flow of the periodic pass. export() never
 * waits, so a slow or dead collector holds nothing back (its exporter's queue
 * is bounded, overflow counted).
 */
@Injectable()
export class IpfixService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(IpfixService.name);
  private readonly exporters = new Map<string, IpfixExporter>();
  /** The SIEM recipients' policy: loopback, link-local and cloud-metadata collectors only through the `siem_allowed_destinations` setting. */
  private readonly policy: DestinationPolicy;

  constructor(
    private readonly repository: IpfixCollectorsRepository,
    private readonly records: FlowRecordDispatcher,
    private readonly dataplane: DataplaneRepository,
    metrics: MetricsService,
    settings: SettingsService,
  ) {
    this.policy = new DestinationPolicy(() => settings.get().siem_allowed_destinations);
    const registers = [metrics.registry];
    const perCollector = (name: string, help: string, value: (s: ReturnType<IpfixExporter['stats']>) => number): void => {
      const stats = () => this.exporterStats();
      new Gauge({
        name, help, labelNames: ['collector'], registers,
        collect() {
          this.reset();
          for (const c of stats()) this.set({ collector: c.name }, value(c.stats));
        },
      });
    };
    // Counters following the exporters' totals (a collector's exporter restarted starts its series again).
    const perCollectorTotal = (name: string, help: string, value: (s: ReturnType<IpfixExporter['stats']>) => number): void =>
      metrics.followTotal(name, help, ['collector'] as const, () => this.exporterStats().map((c) => [{ collector: c.name }, value(c.stats)]));
    perCollectorTotal('flowprobe_ipfix_records_sent_total', 'IPFIX data records sent', (s) => s.records_sent);
    perCollectorTotal('flowprobe_ipfix_records_dropped_total', 'IPFIX records dropped (queue full, datagram refused)', (s) => s.records_dropped);
    perCollectorTotal('flowprobe_ipfix_messages_sent_total', 'IPFIX messages sent', (s) => s.messages_sent);
    perCollectorTotal('flowprobe_ipfix_bytes_sent_total', 'IPFIX bytes sent', (s) => s.bytes_sent);
    perCollectorTotal('flowprobe_ipfix_templates_sent_total', 'IPFIX template sets sent', (s) => s.templates_sent);
    perCollector('flowprobe_ipfix_queued_records', 'IPFIX records waiting for the collector', (s) => s.queued);
    perCollector('flowprobe_ipfix_connected', '1 while the collector is connected (TCP) or the socket is open (UDP)', (s) => (s.connected ? 1 : 0));
  }

  async onModuleInit(): Promise<void> {
    for (const row of await this.repository.all()) this.start(row);
    // Bound of the dispatcher's queue for us: export() never waits, so it stays near empty;
    // each exporter's own queue (TCP collector down) is bounded separately.
    this.records.register({ name: 'ipfix', maxQueuedRecords: 200_000, batchRecords: 10_000, consume: (batch) => this.exportRecords(batch) });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.exporters.values()].map((e) => e.close()));
    this.exporters.clear();
  }

  private readonly deltas = new IpBytesDeltas();

  /** Hands flow records (final and interim) to every enabled collector; never waits for one. */
  exportRecords(batch: FlowExportRecord[]): void {
    if (batch.length === 0) return;
    const records = batch.map((r) => this.deltas.toIpfix(r, this.dataplane.interfaceId(r.interface) + 1));
    for (const e of this.exporters.values()) e.export(records);
  }

  /** Counters of every running exporter, for /metrics. */
  exporterStats(): { id: string; name: string; stats: ReturnType<IpfixExporter['stats']> }[] {
    return [...this.exporters.entries()].map(([id, e]) => ({ id, name: this.names.get(id) ?? id, stats: e.stats() }));
  }

  async list(): Promise<IpfixCollectorView[]> {
    return (await this.repository.all()).map((r) => this.view(r));
  }

  async get(id: string): Promise<IpfixCollectorView> {
    return this.view(await this.findOrFail(id));
  }

  async create(dto: IpfixCollectorDto): Promise<IpfixCollectorView> {
    const now = Math.floor(Date.now() / 1000);
    const row = Object.assign(new IpfixCollectorEntity(), { id: randomUUID(), createdAtS: now });
    return this.store(row, dto);
  }

  async update(id: string, dto: IpfixCollectorDto): Promise<IpfixCollectorView> {
    return this.store(await this.findOrFail(id), dto);
  }

  async delete(id: string): Promise<void> {
    await this.findOrFail(id);
    await this.stop(id);
    await this.repository.delete(id);
  }

  private readonly names = new Map<string, string>();

  private async store(row: IpfixCollectorEntity, dto: IpfixCollectorDto): Promise<IpfixCollectorView> {
    const refused = this.policy.hostRefusal(dto.host.trim());
    if (refused) throw new BadRequestException([`host: ${refused}`]);
    if (await this.repository.nameTaken(dto.name, row.id)) throw new ConflictException(`a collector named "${dto.name}" exists`);
    Object.assign(row, {
      name: dto.name,
      host: dto.host.trim().replace(/^\[(.*)\]$/, '$1'),
      port: dto.port ?? 4739,
      transport: dto.transport ?? 'udp',
      mode: dto.mode ?? 'biflow',
      observationDomainId: dto.observation_domain_id ?? 1,
      enabled: dto.enabled ?? true,
      updatedAtS: Math.floor(Date.now() / 1000),
    });
    const saved = await this.repository.save(row);
    await this.stop(saved.id);
    this.start(saved);
    return this.view(saved);
  }

  private start(row: IpfixCollectorEntity): void {
    if (!row.enabled) return;
    // Stored rows are vetted again by the policy that admitted them (the database may have been edited, the
    // allowlist changed): the exporter judges the host at every connect, and its last_error says why it refuses.
    const refused = this.policy.hostRefusal(row.host);
    if (refused) this.logger.warn(`IPFIX collector ${row.name}: ${refused}`);
    this.names.set(row.id, row.name);
    this.exporters.set(
      row.id,
      new IpfixExporter({
        host: row.host,
        port: row.port,
        transport: row.transport,
        mode: row.mode,
        observationDomainId: row.observationDomainId,
        policy: this.policy,
      }),
    );
  }

  private async stop(id: string): Promise<void> {
    const e = this.exporters.get(id);
    this.exporters.delete(id);
    this.names.delete(id);
    await e?.close();
  }

  private async findOrFail(id: string): Promise<IpfixCollectorEntity> {
    const row = await this.repository.get(id);
    if (!row) throw new NotFoundException(`IPFIX collector ${id} not found`);
    return row;
  }

  private view(r: IpfixCollectorEntity): IpfixCollectorView {
    const e = this.exporters.get(r.id);
    return {
      id: r.id,
      name: r.name,
      host: r.host,
      port: r.port,
      transport: r.transport,
      mode: r.mode,
      observation_domain_id: r.observationDomainId,
      enabled: r.enabled,
      created_at: r.createdAtS,
      updated_at: r.updatedAtS,
      ...(e ? { stats: e.stats() } : {}),
    };
  }
}
