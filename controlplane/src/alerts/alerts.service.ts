import { Inject, Injectable, Logger, NotFoundException, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { hostname } from 'node:os';
import type { FlowExportRecord, FlowRecord } from '@flowprobe/dataplane';
import type { AlertEvent, Settings } from '../api';
import type { AuthUser } from '../auth/auth-user';
import { CONTROL_PLANE_OPTIONS, ControlPlaneOptions } from '../config/control-plane-options';
import { DataplaneRepository, FLOW_PAGE, OnInterface } from '../dataplane/dataplane.repository';
import { FlowRecordDispatcher } from '../flow-records/flow-record-dispatcher';
import { TimeSlice } from '../flow-records/time-slice';
import { LiveService } from '../live/live.service';
import { SettingsService } from '../settings/settings.service';
import { AlertEventV1, severityRank } from './alert-event';
import { AlertEngine, EmittedAlert } from './alert-engine';
import type { AlertPage, AlertView, BulkAcknowledgeResponse, CheckInfo } from '../api/alerts.types';
import { AlertsRepository } from './alerts.repository';
import { allChecks, checkDefaults } from './checks/all-checks';
import { checkInfo } from './checks/check-catalog';
import type { AlertBulkAcknowledgeDto, AlertQueryDto } from './dto/alert-query.dto';

/**
 * Active flows looked at each minute per ordering (recent, longest, largest),
 * and the newest flows looked at by each detection pass: one page of the
 * dataplane (FLOW_PAGE) each, so every ordering costs one scan of the tables
 * in a reader thread. Flows beyond them are still checked when they end.
 */
const ACTIVE_SCAN_LIMIT = FLOW_PAGE;
const DETECTION_SCAN_LIMIT = FLOW_PAGE;
/** Period of the detection pass, seconds: risk alerts within ~5 s of detection. */
const DETECTION_PERIOD_S = 5;
/** Flows checked between looks at the time slice (flow-records/time-slice.ts): API requests wait for no more than a slice. */
const FLOWS_PER_STEP = 50;

/** The live-socket / `alerts:recent` shape of an alert. */
export function toLiveAlert(e: AlertEventV1): AlertEvent {
  return {
    id: e.id,
    check: e.check,
    severity: e.severity,
    score: e.score,
    entity: e.entity.type,
    entity_value: e.entity.value,
    tstamp: Math.floor(Date.parse(e.end_time ?? e.time) / 1000),
    message: e.description || e.title,
    ...(e.status === 'engaged' || e.status === 'released' ? { state: e.status } : {}),
  };
}

/**
 * A forwarder takes a batch of alert events. It may answer when they are durable on its side
 * (`queued` resolves true: the SIEM's Redis queues); until then, or if it says false, their outbox
 * rows stay in SQLite and are forwarded again at the next start. No answer: durable once it returns.
 */
export type Forwarder = (events: AlertEventV1[]) => Promise<{ queued: Promise<boolean> } | void>;

/**
 * Flow records waiting for the flow-end checks at most (about 15 s of records at full speed on a
 * 2-core machine); beyond, the dispatcher drops and counts them (flowprobe_flow_records_dropped_total
 * {consumer="alerts"}). Smaller than the default: records waiting here keep their objects alive
 * after every other consumer is done with them, and a heap full of them slows everything else.
 */
const ALERTS_MAX_QUEUED_RECORDS = 50_000;

/** Alert events waiting to be stored and forwarded; past this the oldest are dropped (counted, logged). */
const MAX_PENDING_ALERTS = 100_000;

/**
 * Alerts in the app: runs the engine from the flow records (flow checks on
 * ended flows) and from the periodic jobs, which call its methods by name
 * (runSecondChecks: the newest active flows every 5 s; runMinuteChecks:
 * recent/long/large active flows, host and interface checks every minute;
 * applyRetention: daily), stores past alerts, and hands every alert event to
 * the forwarders (the SIEM queues) and the live WebSocket / Redis list.
 */
@Injectable()
export class AlertsService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(AlertsService.name);
  engine!: AlertEngine;
  private secondsSinceDetectionScan = 0;
  /** Alert events waiting for `process` (bounded by MAX_PENDING_ALERTS). */
  private readonly pending: EmittedAlert[] = [];
  private draining: Promise<void> | null = null;
  private droppedPending = 0;
  /** Modules that forward every alert event (the SIEM module registers its queues). */
  private readonly forwarders: { name: string; forward: Forwarder }[] = [];
  private settingsCache: Settings | null = null;

  constructor(
    private readonly repository: AlertsRepository,
    private readonly live: LiveService,
    private readonly settings: SettingsService,
    private readonly records: FlowRecordDispatcher,
    private readonly dataplane: DataplaneRepository,
    @Inject(CONTROL_PLANE_OPTIONS) private readonly options: ControlPlaneOptions,
  ) {}

  /**
   * The effective settings, read once and again after each change: the engine asks for them at
   * every batch of flows it checks, and `SettingsService.get()` merges them anew each time.
   */
  private currentSettings(): Settings {
    return (this.settingsCache ??= this.settings.get());
  }

  async onModuleInit(): Promise<void> {
    this.settings.registerCheckDefaults(checkDefaults());
    this.settings.onChange(() => (this.settingsCache = null));
    this.engine = new AlertEngine({
      hostname: hostname(),
      interfaceName: (ifid) => this.dataplane.interfaceName(ifid) ?? `if${ifid}`,
      checkSettings: () => this.currentSettings().checks,
      localNetworks: () => this.currentSettings().local_networks,
      emit: (alerts) => void this.handle(alerts),
    });
    // Engaged alerts of the previous run (kill -9, power cut): engaged again with their ids, not raised anew.
    const restored = this.engine.restoreEngaged(await this.repository.engaged());
    if (restored) this.logger.log(`Restored ${restored} engaged alerts`);
    // Flow-end checks: the final record of each flow, judged on the whole flow (flow_totals). Not
    // interim records, and not the flows cut by the probe stopping ('forced_end': they did not end).
    this.records.register({
      name: 'alerts',
      maxQueuedRecords: ALERTS_MAX_QUEUED_RECORDS,
      consume: (batch) => this.checkFlows(batch, true, Date.now() / 1000, (r) => (r.end_reason !== 'active_timeout' && r.end_reason !== 'forced_end' ? this.endedFlow(r) : null)),
    });
  }

  /** The whole flow of a final record, as the flow checks see live flows. */
  private endedFlow(r: FlowExportRecord): OnInterface<FlowRecord> {
    const firstSeen = r.flow_start_ms / 1000;
    const lastSeen = r.last_seen_ms / 1000;
    return {
      ifid: Math.max(0, this.dataplane.interfaceId(r.interface)),
      key: r.key,
      l4: r.l4,
      vlan: r.vlan,
      client: r.client,
      server: r.server,
      cli2srv: r.flow_totals.cli2srv,
      srv2cli: r.flow_totals.srv2cli,
      ip_bytes: r.ip_bytes_total ?? { cli2srv: 0, srv2cli: 0 },
      first_seen: firstSeen,
      last_seen: lastSeen,
      duration: lastSeen - firstSeen,
      thpt: { bps: 0, pps: 0 },
      l7: r.l7,
      server_name: r.server_name,
      category: r.category,
      breed: r.breed,
      risks: r.risks,
      score: r.score,
      tcp_flags: r.tcp_flags,
      retransmissions: r.retransmissions,
      out_of_order: { cli2srv: 0, srv2cli: 0 },
      first_from_server: false,
      state: 'ready_to_be_purged',
    };
  }

  /**
   * Called by the second job (jobs/second.job.ts) every second: every
   * DETECTION_PERIOD_S-th call runs the detection pass.
   * @returns whether the detection pass ran.
   */
  async runSecondChecks(nowS: number): Promise<boolean> {
    if (++this.secondsSinceDetectionScan < DETECTION_PERIOD_S) return false;
    this.secondsSinceDetectionScan = 0;
    await this.runDetectionChecks(nowS);
    return true;
  }

  /** Detection pass: flow checks on the newest active flows (nDPI risks are set once detection is done). */
  async runDetectionChecks(nowS: number): Promise<void> {
    const recent = await this.dataplane.scanFlows({ sort: 'first_seen', order: 'desc' }, DETECTION_SCAN_LIMIT);
    await this.checkFlows(recent, false, nowS);
  }

  /**
   * Called by the daily job (jobs/daily.job.ts): deletes past alerts older
   * than the retention setting (`retention.alerts_days`).
   * @returns the number of past alerts deleted.
   */
  async applyRetention(nowS: number): Promise<number> {
    const n = await this.repository.deleteOlderThan(nowS - this.settings.get().retention.alerts_days * 86400);
    if (n) this.logger.log(`Retention: ${n} past alerts deleted`);
    return n;
  }

  /**
   * Called by the minute job (jobs/minute.job.ts). Minute pass: active flows
   * (new, long, large), then the host window and the interface counters.
   */
  async runMinuteChecks(nowS: number): Promise<void> {
    const seen = new Map<string, OnInterface<FlowRecord>>();
    for (const sort of ['first_seen', 'duration', 'bytes'] as const) {
      for (const f of await this.dataplane.scanFlows({ sort, order: 'desc' }, ACTIVE_SCAN_LIMIT)) seen.set(`${f.ifid}/${f.key}`, f);
    }
    await this.checkFlows([...seen.values()], false, nowS);
    this.engine.checkHosts(nowS);
    this.engine.checkInterfaces(await this.dataplane.interfaces(), nowS);
  }

  /**
   * The flow checks in time slices that yield to I/O (each flow is checked on its own); `toFlow`
   * turns each item into the flow to check (null: skipped), a step at a time.
   */
  private async checkFlows(flows: OnInterface<FlowRecord>[], ended: boolean, nowS: number): Promise<void>;
  private async checkFlows<T>(items: T[], ended: boolean, nowS: number, toFlow: (item: T) => OnInterface<FlowRecord> | null): Promise<void>;
  private async checkFlows<T>(items: T[], ended: boolean, nowS: number, toFlow?: (item: T) => OnInterface<FlowRecord> | null): Promise<void> {
    const slice = new TimeSlice();
    for (let i = 0; i < items.length; i += FLOWS_PER_STEP) {
      if (i > 0) await slice.yieldIfDue();
      const step = items.slice(i, i + FLOWS_PER_STEP);
      const flows = toFlow ? step.map(toFlow).filter((f): f is OnInterface<FlowRecord> => f !== null) : (step as OnInterface<FlowRecord>[]);
      if (flows.length) this.engine.checkFlows(flows, ended, nowS);
    }
  }

  /**
   * Registers a forwarder called with every batch of alert events (engaged,
   * released, one-shot). Alerts know no forwarder by name: the SIEM module
   * registers itself, so `siem` depends on `alerts` and not the reverse.
   */
  addForwarder(name: string, forward: Forwarder): void {
    this.forwarders.push({ name, forward });
  }

  /**
   * Forwards what the outbox of the previous run still holds (the process ended between storing
   * alerts and the forwarders taking them): same events, same ids — at-least-once.
   */
  onApplicationBootstrap(): void {
    // Not awaited: a forwarder may wait for its own start (the SIEM loads its recipients in a later
    // module's bootstrap hook), which must not wait for this one.
    void this.replayOutbox().catch((err: Error) => this.logger.error(`Replaying the alert outbox failed: ${err.message}`));
  }

  private async replayOutbox(): Promise<void> {
    for (;;) {
      const batch = await this.repository.outbox(1000);
      if (!batch.length) return;
      const events = batch.map((b) => b.event);
      // Waits until every forwarder holds them durably (Redis down at start: until it is back).
      const { taken, queued } = await this.forward(events);
      if (!taken || !(await queued)) return; // kept for the next start
      await this.repository.deleteOutbox(events);
      this.logger.log(`Forwarded ${batch.length} alert events left in the outbox by the previous run`);
    }
  }

  /**
   * Every forwarder in turn. `taken`: every forwarder took the events (false: one failed; they stay
   * in the outbox); `queued`: resolves true once every forwarder holds them durably.
   */
  private async forward(events: AlertEventV1[]): Promise<{ taken: boolean; queued: Promise<boolean> }> {
    let taken = true;
    const queued: Promise<boolean>[] = [];
    for (const f of this.forwarders) {
      try {
        const answer = await f.forward(events);
        if (answer) queued.push(answer.queued);
      } catch (err) {
        taken = false;
        this.logger.error(`${f.name} publish of ${events.length} alerts failed: ${(err as Error).message}`);
      }
    }
    return { taken, queued: taken ? Promise.all(queued).then((all) => all.every(Boolean)) : Promise.resolve(false) };
  }

  /**
   * Stores, forwards and publishes alert events; a failing sink is logged and the others still run.
   * Crash-safe (docs/reliability.md): past alerts, the engaged set and an outbox entry per event are
   * written in one transaction before any forwarder sees the events; the outbox entries go once
   * every forwarder took them.
   */
  handle(alerts: EmittedAlert[]): Promise<void> {
    for (const a of alerts) this.pending.push(a);
    if (this.pending.length > MAX_PENDING_ALERTS) {
      // SQLite (or a forwarder) far behind: drop the oldest, counted, rather than grow without bound.
      const over = this.pending.length - MAX_PENDING_ALERTS;
      this.pending.splice(0, over);
      this.droppedPending += over;
      this.logger.warn(`Alert handling behind: ${over} alert events dropped (${this.droppedPending} since start)`);
    }
    this.draining ??= this.drain().finally(() => (this.draining = null));
    return this.draining;
  }

  /**
   * One batch at a time, merging what arrived meanwhile: a burst of alert passes costs a few
   * transactions (and fsyncs), not one each, and pending work is bounded.
   */
  private async drain(): Promise<void> {
    while (this.pending.length) await this.process(this.pending.splice(0, 5000));
  }

  private async process(alerts: EmittedAlert[]): Promise<void> {
    const stored = await this.repository
      .recordBatch(alerts, (a) => AlertEngine.engagedKey(a.event, a.ifid))
      .then(() => true)
      .catch((err: Error) => {
        this.logger.error(`Storing ${alerts.length} alert events failed: ${err.message}`);
        return false;
      });
    const events = alerts.map((a) => a.event);
    const { taken, queued } = await this.forward(events);
    if (taken && stored) {
      // Their outbox rows go once the forwarders hold them durably: at once with Redis up; with Redis
      // down, when the SIEM's memory buffer reaches it (a crash meanwhile: forwarded again at the next start).
      void queued
        .then((ok) => (ok ? this.repository.deleteOutbox(events) : undefined))
        .catch((err: Error) => this.logger.warn(`Clearing the alert outbox failed: ${err.message}`));
    }
    await this.live.publishAlerts(events.map(toLiveAlert)).catch((err: Error) => this.logger.warn(`Live publish of ${events.length} alerts failed: ${err.message}`));
  }

  async list(q: AlertQueryDto): Promise<AlertPage> {
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    if (q.state === 'engaged') {
      const minRank = q.severity ? severityRank(q.severity) : 0;
      const all = this.engine
        .engagedAlerts()
        .filter(({ event: e }) => {
          const t = Date.parse(e.time) / 1000;
          return (
            severityRank(e.severity) >= minRank &&
            (!q.entity || e.entity.type === q.entity) &&
            (!q.entity_value || e.entity.value === q.entity_value) &&
            (!q.host || e.host === q.host) &&
            (!q.check || e.check === q.check) &&
            (q.from === undefined || t >= q.from) &&
            (q.to === undefined || t <= q.to) &&
            q.acknowledged !== true
          );
        });
      return {
        total: all.length,
        data: all.slice(offset, offset + limit).map(({ event, ifid }) => ({ ...event, state: 'engaged', ifid, acknowledged: false, acknowledged_by: null, acknowledged_at: null })),
      };
    }
    const { total, rows } = await this.repository.find({
      minSeverityRank: q.severity ? severityRank(q.severity) : undefined,
      entityType: q.entity, entityValue: q.entity_value, host: q.host, check: q.check, fromS: q.from, toS: q.to, acknowledged: q.acknowledged,
      limit, offset,
    });
    return {
      total,
      data: rows.map((r) => ({
        ...(JSON.parse(r.json) as AlertEventV1),
        state: 'past', ifid: r.ifid, acknowledged: r.acknowledged, acknowledged_by: r.acknowledgedBy, acknowledged_at: r.acknowledgedAtS,
      })),
    };
  }

  /** One alert by id: engaged (in the engine) or past (stored). */
  async get(id: string): Promise<AlertView> {
    const engaged = this.engine.engagedAlerts().find((a) => a.event.id === id);
    if (engaged) return { ...engaged.event, state: 'engaged', ifid: engaged.ifid, acknowledged: false, acknowledged_by: null, acknowledged_at: null };
    const r = await this.repository.findById(id);
    if (!r) throw new NotFoundException(`alert ${id} not found`);
    return { ...(JSON.parse(r.json) as AlertEventV1), state: 'past', ifid: r.ifid, acknowledged: r.acknowledged, acknowledged_by: r.acknowledgedBy, acknowledged_at: r.acknowledgedAtS };
  }

  /** Acknowledges every unacknowledged past alert the filter matches (the Alerts page's filters). */
  async acknowledgeMatching(f: AlertBulkAcknowledgeDto, auth: AuthUser, nowS = Date.now() / 1000): Promise<BulkAcknowledgeResponse> {
    const acknowledged = await this.repository.acknowledgeMatching(
      { minSeverityRank: f.severity ? severityRank(f.severity) : undefined, entityType: f.entity, entityValue: f.entity_value, host: f.host, check: f.check, fromS: f.from, toS: f.to },
      auth.username,
      nowS,
    );
    return { acknowledged };
  }

  /** Every check with its name, description, entity and settings' units. */
  checks(): CheckInfo[] {
    const set = allChecks();
    return [...set.flow.map((c) => checkInfo(c.id, 'flow', c.defaults)), ...set.host.map((c) => checkInfo(c.id, 'host', c.defaults)), ...set.iface.map((c) => checkInfo(c.id, 'interface', c.defaults))];
  }

  /** Acknowledges a past alert (engaged alerts are acknowledged once released). */
  async acknowledge(id: string, auth: AuthUser, nowS = Date.now() / 1000): Promise<void> {
    if (!(await this.repository.acknowledge(id, auth.username, nowS))) throw new NotFoundException(`past alert ${id} not found`);
  }

  /** Deletes a past alert, or forgets an engaged one (it engages again if its condition still holds). */
  async delete(id: string): Promise<void> {
    if (await this.repository.delete(id)) return;
    if (this.engine.dropEngaged(id)) {
      await this.repository.deleteEngaged(id);
      return;
    }
    throw new NotFoundException(`alert ${id} not found`);
  }
}
