import type { FlowExportRecord, InterfaceStats } from '@flowprobe/dataplane';
import type { ControlPlaneOptions } from '../config/control-plane-options';
import type { DataplaneRepository } from '../dataplane/dataplane.repository';
import type { FlowRecordConsumer, FlowRecordDispatcher } from '../flow-records/flow-record-dispatcher';
import type { RedisService } from '../redis/redis.service';
import { typedMock } from '../testing/typed.mock';
import { MetricsService } from './metrics.service';

/** MetricsService on its real prom-client registry, the dataplane and the flow-record dispatcher mocked. */
describe('MetricsService (dataplane and dispatcher mocked, real registry)', () => {
  const dataplane = typedMock<DataplaneRepository>()('interfaces');
  const records = typedMock<FlowRecordDispatcher>()('register', 'stats');
  const redis = { up: true } as { up: boolean };
  let consumer: FlowRecordConsumer;
  let iface: InterfaceStats;
  let metrics: MetricsService;

  const value = async (name: string, labels: Record<string, string> = {}): Promise<number | undefined> => {
    const m = await metrics.registry.getSingleMetric(name)!.get();
    return m.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
  };

  beforeAll(() => {
    records.register.mockImplementation((c) => void (consumer = c));
    records.stats.mockReturnValue({ consumers: [{ name: 'history', queued: 3, delivered: 10, dropped: 1, failed_records: 0 }] } as never);
    iface = {
      name: 'eth1', packets: 100, bytes: 6400, drops: 2, num_flows: 30, num_hosts: 5, thpt: { bps: 8, pps: 1 },
      workers: [
        { worker: 0, num_flows: 10, flow_capacity: 100, num_hosts: 1, host_capacity: 50, restarts: 0 },
        { worker: 1, num_flows: 20, flow_capacity: 100, num_hosts: 4, host_capacity: 50, restarts: 2 },
      ],
      workers_down: [1],
    } as unknown as InterfaceStats;
    dataplane.interfaces.mockImplementation(async () => [iface]);
    metrics = new MetricsService(dataplane, redis as RedisService, records, {} as ControlPlaneOptions);
  });

  it('interface totals are counters that follow the dataplane, and start again when a capture restarts', async () => {
    expect(await value('flowprobe_interface_packets_total', { interface: 'eth1' })).toBe(100);
    iface = { ...iface, packets: 150 };
    expect(await value('flowprobe_interface_packets_total', { interface: 'eth1' })).toBe(150);
    iface = { ...iface, packets: 7 }; // restarted: the series begins again instead of going down
    expect(await value('flowprobe_interface_packets_total', { interface: 'eth1' })).toBe(7);
    expect(await value('flowprobe_interface_drops_total', { interface: 'eth1' })).toBe(2);
  });

  it('worker restarts per worker, and the workers down now', async () => {
    expect(await value('flowprobe_worker_restarts_total', { interface: 'eth1', worker: '1' })).toBe(2);
    expect(await value('flowprobe_worker_restarts_total', { interface: 'eth1', worker: '0' })).toBe(0);
    expect(await value('flowprobe_interface_workers_down', { interface: 'eth1' })).toBe(1);
  });

  it('table fill ratios over every worker of the interface', async () => {
    expect(await value('flowprobe_interface_flow_table_fill_ratio', { interface: 'eth1' })).toBeCloseTo(30 / 200);
    expect(await value('flowprobe_interface_host_table_fill_ratio', { interface: 'eth1' })).toBeCloseTo(5 / 100);
  });

  it('bytes per application from the flow records (the last label of the nDPI name, Unknown without one)', async () => {
    const rec = (l7: string, c: number, s: number) => ({ l7, cli2srv: { packets: 1, bytes: c }, srv2cli: { packets: 1, bytes: s } }) as FlowExportRecord;
    await consumer.consume([rec('TLS.YouTube', 100, 900), rec('YouTube', 0, 500), rec('', 10, 0)]);
    expect(await value('flowprobe_application_bytes_total', { application: 'YouTube' })).toBe(1500);
    expect(await value('flowprobe_application_bytes_total', { application: 'Unknown' })).toBe(10);
  });

  it('flow-record consumers, Redis and the exposition passes as text', async () => {
    expect(await value('flowprobe_flow_records_queued', { consumer: 'history' })).toBe(3);
    expect(await value('flowprobe_flow_records_dropped_total', { consumer: 'history' })).toBe(1);
    expect(await value('flowprobe_redis_up')).toBe(1);
    redis.up = false;
    expect(await value('flowprobe_redis_up')).toBe(0);
    const text = await metrics.registry.metrics();
    expect(text).toContain('# TYPE flowprobe_interface_packets_total counter');
    // prom-client's *_total gauges are removed: Prometheus reserves _total for counters.
    expect(text).not.toContain('flowprobe_nodejs_active_handles_total');
  });
});
