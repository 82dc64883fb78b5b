import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ALERTS_DATABASE } from '../src/alerts/alerts.module';
import { AlertsRepository } from '../src/alerts/alerts.repository';
import { openDatabase } from '../src/database/data-source';
import { severityFromScore } from '../src/alerts/alert-event';
import { buildTestAlert } from '../src/siem/formats/test-alert';

/** Past alerts in a real SQLite file, schema by the migrations. */
describe('AlertsRepository (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowprobe-alerts-db-'));
  let db: DataSource;
  let repo: AlertsRepository;

  beforeAll(async () => {
    db = await openDatabase(join(dir, 'a.db'), [ALERTS_DATABASE]);
    repo = new AlertsRepository(db);
  });
  afterAll(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a large pass in one call and filters by severity, host, check, entity, time and acknowledgement', async () => {
    const base = Date.parse('2026-01-01T00:00:00Z');
    const alerts = Array.from({ length: 130 }, (_, i) => {
      const score = [5, 20, 60, 150, 220, 300][i % 6];
      return {
        event: buildTestAlert({
          status: 'triggered', check: i % 2 ? 'syn_scan' : 'unsafe_protocol', score, severity: severityFromScore(score),
          host: `10.0.0.${i % 5}`, entity: { type: i % 2 ? 'host' : 'flow', value: `e${i}` }, time: new Date(base + i * 1000).toISOString(),
        }),
        ifid: i % 2,
      };
    });
    await repo.insertMany(alerts);
    expect((await repo.find({ limit: 10, offset: 0 })).total).toBe(130);
    const page = await repo.find({ limit: 10, offset: 10 });
    expect(page.rows.map((r) => r.timeS)).toEqual(Array.from({ length: 10 }, (_, i) => (base + (119 - i) * 1000) / 1000));
    const errUp = await repo.find({ minSeverityRank: 3, limit: 1000, offset: 0 });
    expect(errUp.total).toBe(alerts.filter((a) => a.event.score >= 100).length);
    expect((await repo.find({ host: '10.0.0.1', check: 'syn_scan', limit: 1000, offset: 0 })).total).toBe(
      alerts.filter((a) => a.event.host === '10.0.0.1' && a.event.check === 'syn_scan').length,
    );
    expect((await repo.find({ entityType: 'flow', entityValue: 'e4', limit: 10, offset: 0 })).rows.map((r) => r.id)).toEqual([alerts[4].event.id]);
    expect((await repo.find({ fromS: (base + 10_000) / 1000, toS: (base + 19_000) / 1000, limit: 100, offset: 0 })).total).toBe(10);
    expect(await repo.acknowledge(alerts[7].event.id, 'admin', 1)).toBe(true);
    expect((await repo.find({ acknowledged: true, limit: 10, offset: 0 })).rows.map((r) => [r.id, r.acknowledgedBy])).toEqual([[alerts[7].event.id, 'admin']]);
    expect(JSON.parse((await repo.findById(alerts[7].event.id))!.json)).toEqual(alerts[7].event);
    expect(await repo.deleteOlderThan((base + 30_000) / 1000)).toBe(30);
    expect(await repo.delete(alerts[100].event.id)).toBe(true);
    expect(await repo.delete(alerts[100].event.id)).toBe(false);
    expect((await repo.find({ limit: 1, offset: 0 })).total).toBe(99);
  });
});
