import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DataSource } from 'typeorm';
import type { ControlPlaneOptions } from '../config/control-plane-options';
import { openDatabase } from '../database/data-source';
import { SettingsRepository } from './settings.repository';
import { DEFAULT_RETENTION, SettingsService } from './settings.service';

describe('SettingsService (real SQLite file)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-settings-'));
  const options = { localNetworks: ['192.168.0.0/16'], liveIntervalMs: 1000 } as ControlPlaneOptions;
  let dataSource: DataSource;

  async function service(): Promise<SettingsService> {
    const s = new SettingsService(new SettingsRepository(dataSource), options);
    await s.onModuleInit();
    return s;
  }

  beforeAll(async () => {
    dataSource = await openDatabase(path.join(dir, 'settings.db'));
  });

  afterAll(async () => {
    await dataSource.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts from the boot config defaults', async () => {
    expect((await service()).get()).toEqual({ local_networks: ['192.168.0.0/16'], retention: DEFAULT_RETENTION, live_interval_ms: 1000, siem_allowed_destinations: [], checks: {} });
  });

  it('persists updates, notifies listeners, and merges check settings per check', async () => {
    const s = await service();
    s.registerCheckDefaults({ syn_scan: { enabled: true, threshold: 100 }, dns_flood: { enabled: true, threshold: 500 } });
    const changes: string[][] = [];
    s.onChange((_settings, changed) => changes.push(changed));
    await s.update({ live_interval_ms: 250, checks: { syn_scan: { enabled: true, threshold: 20 } } });
    await s.update({ checks: { syn_scan: { enabled: false } } as never });
    expect(changes).toEqual([['live_interval_ms', 'checks'], ['checks']]);

    const reloaded = await service();
    reloaded.registerCheckDefaults({ syn_scan: { enabled: true, threshold: 100 }, dns_flood: { enabled: true, threshold: 500 } });
    expect(reloaded.get().live_interval_ms).toBe(250);
    expect(reloaded.get().checks).toEqual({ syn_scan: { enabled: false, threshold: 20 }, dns_flood: { enabled: true, threshold: 500 } });
  });

  it('rejects malformed check settings with every reason', async () => {
    const s = await service();
    await expect(s.update({ checks: { a: 5, b: { enabled: 'yes', list: [1] } } as never })).rejects.toMatchObject({
      response: { message: ['checks.a must be an object', 'checks.b.list must be a number, boolean or string', 'checks.b.enabled must be a boolean'] },
    });
  });
});
