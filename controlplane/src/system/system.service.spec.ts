import * as fs from 'node:fs';
import { hostname } from 'node:os';
import * as os from 'node:os';
import * as path from 'node:path';
import { ServiceUnavailableException } from '@nestjs/common';
import type { ControlPlaneOptions } from '../config/control-plane-options';
import { PRODUCT_VERSION } from '../config/product-version';
import type { RedisService } from '../redis/redis.service';
import { typedMock } from '../testing/typed.mock';
import type { ApplianceOsRepository } from './appliance-os.repository';
import { SystemService } from './system.service';

/** SystemService with the OS repository mocked (a spec must never reboot the machine); the disk figures are the real statfs of a temp folder. */
describe('SystemService (ApplianceOsRepository mocked)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-system-'));
  const dbPath = path.join(dir, 'flowprobe.db');
  const osRepo = typedMock<ApplianceOsRepository>()('network', 'ntp', 'disk', 'osUptimeS', 'power');
  const redis = { up: true, displayUrl: 'redis://***@127.0.0.1:6379' } as RedisService;
  const service = (powerControl: boolean): SystemService =>
    new SystemService(redis, osRepo, { database: { path: dbPath }, powerControl, sources: [{ name: 'eth1', kind: 'dpdk' }] } as unknown as ControlPlaneOptions);

  beforeEach(() => {
    for (const m of Object.values(osRepo)) (m as jest.Mock).mockReset();
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reports the version, the database folder's disk and Redis as the API shows it (credentials hidden)", async () => {
    const info = await service(false).info();
    const st = fs.statfsSync(dir);
    expect(info).toMatchObject({
      version: PRODUCT_VERSION,
      hostname: hostname(),
      disk: { path: dir, total: st.blocks * st.bsize },
      sources: [{ name: 'eth1', kind: 'dpdk' }],
      redis: { connected: true, url: 'redis://***@127.0.0.1:6379' },
    });
    expect(info.disk.free).toBeGreaterThan(0);
    expect(info.disk.free).toBeLessThanOrEqual(info.disk.total);
    expect(info.cpu.cores).toBe(os.cpus().length);
  });

  it('the appliance section: data and root disks from the OS, each in its role', async () => {
    osRepo.network.mockResolvedValue({ available: false, reason: 'ip is not installed', interfaces: [], gateways: [], dns: [] } as never);
    osRepo.ntp.mockResolvedValue({ available: true, synchronized: true });
    osRepo.disk.mockImplementation(async (p: string) => (p === '/' ? { total: 100, free: 60, used: 40 } : { total: 10, free: 9, used: 1 }));
    osRepo.osUptimeS.mockReturnValue(3600);
    const a = await service(true).appliance();
    expect(osRepo.disk).toHaveBeenCalledWith(dir);
    expect(a).toMatchObject({
      version: PRODUCT_VERSION,
      os_uptime_s: 3600,
      network: { available: false, reason: 'ip is not installed' },
      ntp: { available: true, synchronized: true },
      disks: [
        { role: 'data', path: dir, total: 10, free: 9, used: 1 },
        { role: 'root', path: '/', total: 100, free: 60, used: 40 },
      ],
      power_control: true,
    });
  });

  it('refuses reboot and shutdown (503) where power control is off, without asking the OS', async () => {
    await expect(service(false).power('reboot', 'admin')).rejects.toThrow(
      new ServiceUnavailableException('reboot is not available: this is not an appliance (system.power_control is off in the boot config)'),
    );
    expect(osRepo.power).not.toHaveBeenCalled();
  });

  it('asks the OS for reboot or poweroff, and turns its refusal into a 503 with the reason', async () => {
    osRepo.power.mockResolvedValue(undefined);
    expect(await service(true).power('shutdown', 'admin')).toEqual({ action: 'shutdown', accepted: true });
    expect(osRepo.power).toHaveBeenLastCalledWith('poweroff');
    await service(true).power('reboot', 'admin');
    expect(osRepo.power).toHaveBeenLastCalledWith('reboot');
    osRepo.power.mockRejectedValue(new Error('Access denied'));
    await expect(service(true).power('reboot', 'admin')).rejects.toThrow(new ServiceUnavailableException('reboot refused by the OS: Access denied'));
  });
});
