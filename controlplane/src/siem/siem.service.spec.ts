import Redis from 'ioredis';
import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ALERTS_DATABASE } from '../alerts/alerts.module';
import type { ControlPlaneOptions } from '../config/control-plane-options';
import { PRODUCT_VERSION } from '../config/product-version';
import { openDatabase } from '../database/data-source';
import { HealthIssues } from '../health/health-issues';
import type { RedisService } from '../redis/redis.service';
import { SettingsRepository } from '../settings/settings.repository';
import { SettingsService } from '../settings/settings.service';
import type { RecipientDto } from './dto/recipient.dto';
import { RecipientsRepository } from './recipients.repository';
import { SIEM_DATABASE } from './siem.module';
import { SiemService } from './siem.service';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const syslog = (name: string, host = '127.0.0.1', enabled = false): RecipientDto =>
  ({ name, enabled, min_severity: 'warning', type: 'syslog', syslog: { host, port: 6514, transport: 'tcp', header: 'rfc5424', format: 'json' } }) as RecipientDto;

/**
 * SiemService over real SQLite (recipients, settings) and the real Redis
 * (queues under a prefix of this run). Recipients are created disabled, so
 * nothing is delivered anywhere: the spec is about validation, state and queues.
 */
describe('SiemService (real SQLite and Redis)', () => {
  const prefix = `flowprobe-test:siem-service:${process.pid}:${Date.now()}:`;
  const raw = new Redis(REDIS_URL);
  let dataSource: DataSource;
  let settings: SettingsService;
  let health: HealthIssues;
  let service: SiemService;

  beforeAll(async () => {
    dataSource = await openDatabase(':memory:', [ALERTS_DATABASE, SIEM_DATABASE]);
    settings = new SettingsService(new SettingsRepository(dataSource), { localNetworks: [], liveIntervalMs: 1000 } as unknown as ControlPlaneOptions);
    await settings.onModuleInit();
    // A row edited by hand: its configuration is not JSON.
    await dataSource.query(`INSERT INTO siem_recipients (id, name, config, created_at, updated_at) VALUES ('broken-1', 'broken', '{not json', 1, 1)`);
    health = new HealthIssues();
    service = new SiemService(new RecipientsRepository(dataSource), { url: REDIS_URL, keyPrefix: prefix } as RedisService, health, settings);
    await service.onApplicationBootstrap();
  });

  afterAll(async () => {
    await service.onApplicationShutdown();
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length) await raw.del(...keys);
    raw.disconnect();
    await dataSource.destroy();
  });

  it('a stored recipient that cannot be used starts disabled and is flagged in /healthz; the others run', async () => {
    const broken = (await service.list()).find((r) => r.name === 'broken')!;
    expect(broken.enabled).toBe(false);
    expect(health.list()).toEqual([{ component: 'recipient broken', reason: expect.stringContaining('stored configuration is not valid JSON') }]);
  });

  it('refuses a loopback destination unless the allowed destinations list it (400 with the reason), and saves nothing', async () => {
    const err = await service.create(syslog('soc')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestException);
    expect(JSON.stringify((err as BadRequestException).getResponse())).toMatch(/127\.0\.0\.1|loopback/);
    expect((await service.list()).map((r) => r.name)).toEqual(['broken']);
  });

  it('creates an allowed recipient, refuses its name twice (409), and 404s unknown ids', async () => {
    await settings.update({ siem_allowed_destinations: ['127.0.0.1/32'] });
    const soc = await service.create(syslog('soc'));
    expect(soc).toMatchObject({ name: 'soc', enabled: false, type: 'syslog' });
    await expect(service.create(syslog('soc'))).rejects.toThrow(ConflictException);
    await expect(service.update('nope', syslog('x'))).rejects.toThrow(new NotFoundException('recipient nope not found'));
    await expect(service.delete('nope')).rejects.toThrow(NotFoundException);
  });

  it('fixing the broken recipient clears its /healthz flag', async () => {
    const broken = (await service.list()).find((r) => r.name === 'broken')!;
    await service.update(broken.id, syslog('broken'));
    expect(health.list()).toEqual([]);
  });

  it('a test alert is queued in Redis for that recipient, status test, this version', async () => {
    const soc = (await service.list()).find((r) => r.name === 'soc')!;
    const alert = await service.sendTest(soc.id);
    expect(alert).toMatchObject({ status: 'test', observer: { version: PRODUCT_VERSION } });
    const stats = (await service.get(soc.id)).stats!;
    expect(stats.queue_depth + stats.buffered).toBe(1);
    await service.delete(soc.id);
    await expect(service.get(soc.id)).rejects.toThrow(NotFoundException);
  });
});
