import { ConflictException, Injectable, Logger, NotFoundException, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { FlowRecord } from '@flowprobe/dataplane';
import type { IpfixCollectorView } from '../api/ipfix.types';
import type { OnInterface } from '../dataplane/dataplane.repository';
import { Gauge } from 'prom-client';
import { PeriodicHooks } from '../jobs/periodic-hooks';
import { MetricsService } from '../metrics/metrics.service';
import { IpfixCollectorDto } from './dto/ipfix-collector.dto';
import { IpfixCollectorEntity } from './ipfix-collector.entity';
import { IpfixCollectorsRepository } from './ipfix-collectors.repository';
import { ipfixDestinationProblem } from './ipfix-destination';
import { IpfixExporter } from './ipfix-exporter';
import { IpfixFlow } from './ipfix-flow';

const L4: Record<string, number> = { ICMP: 1, IGMP: 2, TCP: 6, UDP: 17, GRE: 47, ESP: 50, AH: 51, ICMPV6: 58, OSPF: 89, PIM: 103, VRRP: 112, PGM: 113, SCTP: 132 };
const FIN = 0x01;
const RST = 0x04;

/** An ended flow of the periodic pass as one final IPFIX record. */
export function endedFlowToIpfix(f: OnInterface<FlowRecord>): IpfixFlow {
  const l4 = L4[f.l4] ?? Number(f.l4);
  const closed = l4 === 6 && (((f.tcp_flags.cli2srv | f.tcp_flags.srv2cli) & RST) !== 0 || ((f.tcp_flags.cli2srv & f.tcp_flags.srv2cli) & FIN) !== 0);
  return {
    ip_version: f.client.ip.includes(':') ? 6 : 4,
    l4_proto: Number.isInteger(l4) ? l4 : 0,
    vlan: f.vlan,
    client: f.client,
    server: f.server,
    cli2srv: f.cli2srv,
    srv2cli: f.srv2cli,
    ip_bytes: f.ip_bytes,
    first_seen_ms: Math.round(f.first_seen * 1000),
    last_seen_ms: Math.round(f.last_seen * 1000),
    end_reason: closed ? 'end_of_flow' : 'idle',
    tcp_flags: f.tcp_flags,
    l7: f.l7,
    server_name: f.server_name,
    if_index: f.ifid + 1,
  };
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

  constructor(
    private readonly repository: IpfixCollectorsRepository,
    private readonly hooks: PeriodicHooks,
    metrics: MetricsService,
  ) {
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
    // Counters exported as gauges set from the exporters' totals (they restart with a collector's exporter).
    perCollector('flowprobe_ipfix_records_sent_total', 'IPFIX data records sent', (s) => s.records_sent);
    perCollector('flowprobe_ipfix_records_dropped_total', 'IPFIX records dropped (queue full, datagram refused)', (s) => s.records_dropped);
    perCollector('flowprobe_ipfix_messages_sent_total', 'IPFIX messages sent', (s) => s.messages_sent);
    perCollector('flowprobe_ipfix_bytes_sent_total', 'IPFIX bytes sent', (s) => s.bytes_sent);
    perCollector('flowprobe_ipfix_templates_sent_total', 'IPFIX template sets sent', (s) => s.templates_sent);
    perCollector('flowprobe_ipfix_queued_records', 'IPFIX records waiting for the collector', (s) => s.queued);
    perCollector('flowprobe_ipfix_connected', '1 while the collector is connected (TCP) or the socket is open (UDP)', (s) => (s.connected ? 1 : 0));
  }

  async onModuleInit(): Promise<void> {
    for (const row of await this.repository.all()) this.start(row);
    this.hooks.onEndedFlows('ipfix', (flows) => this.exportFlows(flows));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.exporters.values()].map((e) => e.close()));
    this.exporters.clear();
  }

  /** Hands ended flows to every enabled collector; never waits for one. */
  exportFlows(flows: OnInterface<FlowRecord>[]): void {
    if (this.exporters.size === 0 || flows.length === 0) return;
    const records = flows.map(endedFlowToIpfix);
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
    // Stored rows are vetted again by the rule that admitted them (the database may have been edited).
    const problem = ipfixDestinationProblem(row.host);
    if (problem) {
      this.logger.warn(`IPFIX collector ${row.name} not started: ${problem}`);
      return;
    }
    this.names.set(row.id, row.name);
    this.exporters.set(
      row.id,
      new IpfixExporter({ host: row.host, port: row.port, transport: row.transport, mode: row.mode, observationDomainId: row.observationDomainId }),
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
