import { NotFoundException } from '@nestjs/common';
import type { FlowRecord } from '@flowprobe/dataplane';
import type { DataSource } from 'typeorm';
import type { ControlPlaneOptions } from '../config/control-plane-options';
import { openDatabase } from '../database/data-source';
import type { DataplaneRepository, OnInterface } from '../dataplane/dataplane.repository';
import type { FlowRecordDispatcher } from '../flow-records/flow-record-dispatcher';
import type { LiveService } from '../live/live.service';
import { SettingsRepository } from '../settings/settings.repository';
import { SettingsService } from '../settings/settings.service';
import { typedMock } from '../testing/typed.mock';
import type { AlertEventV1 } from './alert-event';
import { AlertsRepository } from './alerts.repository';
import { ALERTS_DATABASE } from './alerts.module';
import { AlertsService } from './alerts.service';

const DAY = 86400;

function event(id: string, status: AlertEventV1['status'], timeS: number): AlertEventV1 {
  const time = new Date(timeS * 1000).toISOString();
  return {
    id, status, time, end_time: time, check: 'syn_scan', severity: 'warning', score: 60, host: 'probe',
    entity: { type: 'host', value: '10.0.0.1' }, title: 'SYN scan', description: `alert ${id}`,
  } as AlertEventV1;
}

/**
 * AlertsService over a real SQLite database (past alerts, settings), the
 * dataplane, the live service and the dispatcher mocked: the jobs' entry
 * points (runSecondChecks, runMinuteChecks, applyRetention) and what happens
 * to an alert event.
 */
describe('AlertsService (real SQLite; dataplane, live and dispatcher mocked)', () => {
  let dataSource: DataSource;
  let repository: AlertsRepository;
  let settings: SettingsService;
  let service: AlertsService;
  const dataplane = typedMock<DataplaneRepository>()('scanFlows', 'interfaces', 'interfaceName', 'interfaceId');
  const live = typedMock<LiveService>()('publishAlerts');
  const records = typedMock<FlowRecordDispatcher>()('register');

  beforeAll(async () => {
    dataSource = await openDatabase(':memory:', [ALERTS_DATABASE]);
    repository = new AlertsRepository(dataSource);
    settings = new SettingsService(new SettingsRepository(dataSource), { localNetworks: [], liveIntervalMs: 1000 } as unknown as ControlPlaneOptions);
    await settings.onModuleInit();
    service = new AlertsService(repository, live, settings, records, dataplane, {} as ControlPlaneOptions);
    await service.onModuleInit();
  });

  afterAll(() => dataSource.destroy());

  beforeEach(() => {
    for (const m of [...Object.values(dataplane), ...Object.values(live)]) (m as jest.Mock).mockReset();
    dataplane.scanFlows.mockResolvedValue([]);
    dataplane.interfaces.mockResolvedValue([]);
    live.publishAlerts.mockResolvedValue(undefined);
  });

  it('registers its flow-end checks with the dispatcher', () => {
    expect(records.register).toHaveBeenCalledWith(expect.objectContaining({ name: 'alerts' }));
  });

  it('the second job: the detection pass on the newest flows runs on every fifth call', async () => {
    const ran: boolean[] = [];
    for (let i = 0; i < 10; i++) ran.push(await service.runSecondChecks(1000 + i));
    expect(ran).toEqual([false, false, false, false, true, false, false, false, false, true]);
    expect(dataplane.scanFlows).toHaveBeenCalledTimes(2);
    expect(dataplane.scanFlows).toHaveBeenCalledWith({ sort: 'first_seen', order: 'desc' }, 1000);
  });

  it('the minute job: new, long and large flows (each flow checked once), then hosts and interfaces', async () => {
    const f = { ifid: 0, key: '0:1:1' } as OnInterface<FlowRecord>;
    dataplane.scanFlows.mockResolvedValue([f]);
    const checked: number[] = [];
    const spy = jest.spyOn(service.engine, 'checkFlows').mockImplementation((flows) => (checked.push(flows.length), []));
    await service.runMinuteChecks(2000);
    expect(dataplane.scanFlows.mock.calls.map(([q]) => q.sort)).toEqual(['first_seen', 'duration', 'bytes']);
    expect(checked).toEqual([1]); // the same flow in three orderings is checked once
    expect(dataplane.interfaces).toHaveBeenCalled();
    spy.mockRestore();
  });

  it('stores only past alerts (triggered, released), forwards every event even when a forwarder fails, publishes each live', async () => {
    const forwarded: string[][] = [];
    service.addForwarder('broken', async () => {
      throw new Error('SIEM down');
    });
    service.addForwarder('siem', async (events) => void forwarded.push(events.map((e) => e.id)));
    const now = Math.floor(Date.now() / 1000);
    await service.handle([
      { event: event('engaged-1', 'engaged', now), ifid: 0 },
      { event: event('released-1', 'released', now), ifid: 0 },
      { event: event('oneshot-1', 'triggered', now), ifid: 1 },
    ]);
    expect(forwarded).toEqual([['engaged-1', 'released-1', 'oneshot-1']]);
    expect(live.publishAlerts.mock.calls.map(([a]) => a.map((x) => x.id))).toEqual([['engaged-1', 'released-1', 'oneshot-1']]);
    expect(await repository.findById('engaged-1')).toBeNull();
    expect(await service.get('oneshot-1')).toMatchObject({ id: 'oneshot-1', state: 'past', ifid: 1, acknowledged: false });
    await expect(service.get('engaged-1')).rejects.toThrow(NotFoundException);
  });

  it('keeps an outbox row until the forwarder holds the event durably; what it never held is forwarded again at the next start', async () => {
    await dataSource.query('DELETE FROM alert_outbox');
    const fresh = new AlertsService(repository, live, settings, records, dataplane, {} as ControlPlaneOptions);
    await fresh.onModuleInit();
    // A SIEM with Redis down: it takes the events into memory and says later whether they reached Redis.
    const answers: ((queued: boolean) => void)[] = [];
    fresh.addForwarder('siem', async () => ({ queued: new Promise<boolean>((r) => answers.push(r)) }));
    const now = Math.floor(Date.now() / 1000);
    const outboxIds = async () => (await repository.outbox(100)).map((o) => o.event.id).sort();
    await fresh.handle([{ event: event('held-1', 'triggered', now), ifid: 0 }]);
    await fresh.handle([{ event: event('held-2', 'triggered', now), ifid: 0 }]);
    expect(await outboxIds()).toEqual(['held-1', 'held-2']);
    answers[0](true); // held-1 reached Redis
    answers[1](false); // held-2 was dropped from the memory buffer
    await new Promise((r) => setTimeout(r, 100));
    expect(await outboxIds()).toEqual(['held-2']);

    // The next start forwards what the outbox kept, waits until it is durable, then clears it.
    const next = new AlertsService(repository, live, settings, records, dataplane, {} as ControlPlaneOptions);
    await next.onModuleInit();
    const replayed: string[] = [];
    next.addForwarder('siem', async (events) => {
      replayed.push(...events.map((e) => e.id));
      return { queued: Promise.resolve(true) };
    });
    next.onApplicationBootstrap();
    for (let i = 0; i < 100 && (await outboxIds()).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(replayed).toEqual(['held-2']);
    expect(await outboxIds()).toEqual([]);
  });

  it('stores a batch of 5 000 alert events in one go (past alerts, outbox) and forwards them', async () => {
    await dataSource.query('DELETE FROM alert_outbox');
    const fresh = new AlertsService(repository, live, settings, records, dataplane, {} as ControlPlaneOptions);
    await fresh.onModuleInit();
    let forwarded = 0;
    fresh.addForwarder('siem', async (events) => void (forwarded += events.length));
    const now = Math.floor(Date.now() / 1000);
    await fresh.handle(Array.from({ length: 5000 }, (_, i) => ({ event: event(`bulk-${i}`, 'triggered', now), ifid: 0 })));
    expect(forwarded).toBe(5000);
    expect((await repository.find({ host: 'probe', check: 'syn_scan', fromS: now, toS: now, limit: 1, offset: 0 })).total).toBeGreaterThanOrEqual(5000);
    expect(await repository.findById('bulk-4999')).not.toBeNull();
    for (let i = 0; i < 100 && (await repository.outbox(10)).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await repository.outbox(10)).toEqual([]);
  });

  it('the daily job: past alerts older than retention.alerts_days go, newer ones stay', async () => {
    const now = Math.floor(Date.now() / 1000);
    const days = settings.get().retention.alerts_days;
    await repository.insertMany([
      { event: event('old-1', 'triggered', now - (days + 2) * DAY), ifid: 0 },
      { event: event('old-2', 'released', now - (days + 1) * DAY), ifid: 0 },
      { event: event('recent-1', 'triggered', now - (days - 1) * DAY), ifid: 0 },
    ]);
    expect(await service.applyRetention(now)).toBe(2);
    expect(await repository.findById('old-1')).toBeNull();
    expect(await repository.findById('recent-1')).not.toBeNull();
    expect(await service.applyRetention(now)).toBe(0);
  });

  it('acknowledging or deleting an alert that does not exist is a 404', async () => {
    await expect(service.acknowledge('nope', { username: 'ops' } as never)).rejects.toThrow(new NotFoundException('past alert nope not found'));
    await expect(service.delete('nope')).rejects.toThrow(new NotFoundException('alert nope not found'));
  });
});
