import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApplianceProcess, HttpClient, PROCESS_ADMIN_PASSWORD, totalPackets, waitFor } from './testing/appliance-process';

/**
 * SQLite on a full filesystem (docs/reliability.md, *Disk full*): the real `flowprobe run`
 * with its database on a small tmpfs of its own (mounted by the test: `make test` runs as
 * root), which a filler file then fills to the last byte. Capture and the API's reads go
 * on, /healthz says degraded with the `database` problem, writes fail without ending the
 * process; once the filler is deleted the problem clears and writes are stored again.
 */
describe('SQLite on a full filesystem', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-full-'));
  const filler = path.join(dir, 'filler');
  let mounted = false;
  const probe = new ApplianceProcess(dir, process.env.REDIS_URL, `test:full:${process.pid}:${Date.now()}:`);
  const ADMIN = 'full-admin-password-1';

  beforeAll(() => {
    // 48 MiB: the database, its WAL and the config file take a few; the filler takes the rest.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m,mode=0700', 'tmpfs', dir]);
    mounted = true;
    probe.configOverrides = { history: { backend: 'none' } };
  });

  afterAll(async () => {
    await probe.stop(); // SIGTERM then SIGKILL by its own pid
    if (mounted) execFileSync('umount', ['-l', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function health(): Promise<{ status: string; problems: { component: string; reason: string }[] }> {
    const r = await fetch(`${probe.url}/healthz`);
    return (await r.json()) as { status: string; problems: { component: string; reason: string }[] };
  }

  /** A complete `retention` setting (PUT /settings takes it whole). */
  const retention = (alertsDays: number) => ({ minute_days: 3, five_minute_days: 14, hourly_days: 90, daily_days: 730, alerts_days: alertsDays });

  /** Writes 1 MiB blocks, then smaller ones, until the filesystem refuses (ENOSPC). */
  function fill(): number {
    const fd = fs.openSync(filler, 'w');
    let written = 0;
    try {
      for (let block = 1 << 20; block >= 512; block >>= 1) {
        const buf = Buffer.alloc(block, 1);
        for (;;) {
          try {
            written += fs.writeSync(fd, buf);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
            break;
          }
        }
      }
    } finally {
      fs.closeSync(fd);
    }
    return written;
  }

  it('keeps capturing and answering, says so in /healthz, stores again once space is freed', async () => {
    await probe.start();
    const admin = new HttpClient(probe.url);
    await admin.login('admin', PROCESS_ADMIN_PASSWORD, ADMIN);
    await admin.login('admin', ADMIN);
    expect((await health()).problems.find((p) => p.component === 'database')).toBeUndefined();

    const written = fill();
    expect(written).toBeGreaterThan(16 * 1048576);
    await waitFor(async () => (await health()).problems.some((p) => p.component === 'database' && /disk full/.test(p.reason)), '/healthz reporting the full disk', 30_000);
    expect((await health()).status).toBe('degraded');
    expect(probe.log).toMatch(/database disabled: disk full/);

    // Capture goes on, reads answer, a write fails without ending the process.
    const before = await totalPackets(admin);
    await waitFor(async () => (await totalPackets(admin)) > before, 'packets counted while the disk is full', 30_000);
    expect((await admin.get('/api/v1/hosts?limit=10')).status).toBe(200);
    expect((await admin.get('/api/v1/alerts?state=past&limit=10')).status).toBe(200);
    // (A small write may still fit in the space the WAL file already holds; a larger one fails.)
    const during = await admin.put('/api/v1/settings', { retention: retention(11) });
    expect(`${during.status} ${during.status === 200 || during.status >= 500 ? 'ok' : during.text}`).toMatch(/ ok$/);
    expect(probe.alive).toBe(true);

    // Space back: the problem clears, writes are stored again.
    fs.rmSync(filler);
    await waitFor(async () => !(await health()).problems.some((p) => p.component === 'database'), '/healthz clearing the full disk', 30_000);
    expect(probe.log).toMatch(/Disk space back/);
    const put = await admin.put('/api/v1/settings', { retention: retention(12) });
    expect(put.status).toBe(200);
    expect(((await admin.get('/api/v1/settings')).body as { retention: { alerts_days: number } }).retention.alerts_days).toBe(12);
    expect(probe.alive).toBe(true);
  }, 180_000);
});
