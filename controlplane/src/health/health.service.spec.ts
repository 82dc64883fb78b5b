import type { InterfaceStats } from '@flowprobe/dataplane';
import type { DataSource } from 'typeorm';
import type { DataplaneRepository } from '../dataplane/dataplane.repository';
import type { RedisService } from '../redis/redis.service';
import { typedMock } from '../testing/typed.mock';
import { HealthIssues } from './health-issues';
import { HealthService } from './health.service';

const iface = (name: string, running: boolean, error?: string) => ({ name, running, ...(error ? { error } : {}) }) as InterfaceStats;

describe('HealthService (dataplane, Redis and database mocked)', () => {
  const dataplane = typedMock<DataplaneRepository>()('interfaces');
  const redisState = { up: true };
  const redis = redisState as RedisService;
  const dataSource = { isInitialized: true } as DataSource;
  let issues: HealthIssues;
  let service: HealthService;

  beforeEach(() => {
    redisState.up = true;
    (dataSource as { isInitialized: boolean }).isInitialized = true;
    issues = new HealthIssues();
    service = new HealthService(dataplane, redis, dataSource, issues);
  });

  it('ok when every source runs and Redis and the database answer', async () => {
    dataplane.interfaces.mockResolvedValue([iface('eth0', true), iface('replay', false)]);
    expect(await service.check()).toEqual({ status: 'ok', capture: 'running', redis: 'up', database: 'up', problems: [] });
  });

  it('degraded when one source failed while another runs, listing it', async () => {
    dataplane.interfaces.mockResolvedValue([iface('eth0', true), iface('dpdk0', false, 'cannot start: no NIC')]);
    expect(await service.check()).toMatchObject({ status: 'degraded', problems: [{ component: 'source dpdk0', reason: 'cannot start: no NIC' }] });
  });

  it('degraded while a crashed worker is restarting, naming it and the crash', async () => {
    const crashed = { ...iface('eth0', true), workers_down: [1], worker_restarts: 2, last_worker_crash: { worker: 1, reason: 'Invalid CIDR', at: '2026-12-07T13:00:00.000Z' } } as InterfaceStats;
    dataplane.interfaces.mockResolvedValue([crashed]);
    expect(await service.check()).toMatchObject({
      status: 'degraded',
      capture: 'running',
      problems: [{ component: 'workers eth0', reason: 'worker(s) 1 crashed, restarting (2 restarts; last: Invalid CIDR)' }],
    });
    // Back up: ok again (the restart count stays in the interface's counters, not in health).
    dataplane.interfaces.mockResolvedValue([{ ...crashed, workers_down: [] }]);
    expect((await service.check()).status).toBe('ok');
  });

  it('degraded when Redis is down or a part runs disabled', async () => {
    dataplane.interfaces.mockResolvedValue([iface('eth0', true)]);
    redisState.up = false;
    expect(await service.check()).toMatchObject({ status: 'degraded', redis: 'down', problems: [] });
    redisState.up = true;
    issues.set('recipient soc', 'URL does not parse');
    expect(await service.check()).toMatchObject({ status: 'degraded', problems: [{ component: 'recipient soc', reason: 'URL does not parse' }] });
  });

  it('down when every source failed, when there is none, or when the database is gone', async () => {
    dataplane.interfaces.mockResolvedValue([iface('dpdk0', false, 'no NIC')]);
    expect((await service.check()).status).toBe('down');
    dataplane.interfaces.mockResolvedValue([]);
    expect((await service.check()).status).toBe('down');
    dataplane.interfaces.mockResolvedValue([iface('eth0', true)]);
    (dataSource as { isInitialized: boolean }).isInitialized = false;
    expect(await service.check()).toMatchObject({ status: 'down', database: 'down' });
  });

  it('a capture file read to its end is not a failure', async () => {
    dataplane.interfaces.mockResolvedValue([iface('replay', false)]);
    expect(await service.check()).toMatchObject({ status: 'ok', capture: 'stopped' });
  });
});
