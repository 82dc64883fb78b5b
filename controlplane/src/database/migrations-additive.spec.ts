import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource, type Logger } from 'typeorm';

/**
 * Upgrades roll back by themselves (docs/upgrades.md): the previous version
 * then runs on a database the new one migrated. So every migration is
 * additive. This runs all migrations on a real SQLite database and refuses
 * any statement that drops, renames or alters existing tables or columns
 * (beyond ADD COLUMN that is nullable or has a default).
 */
describe('database migrations are additive (a rollback still opens the data)', () => {
  it('no migration drops, renames or rewrites what a previous release reads', async () => {
    const dir = join(__dirname, 'migrations');
    const migrations = readdirSync(dir)
      .filter((f) => /^\d+-.*\.ts$/.test(f) && !f.endsWith('.spec.ts'))
      .flatMap((f) => Object.values(require(join(dir, f)) as Record<string, unknown>).filter((v): v is Function => typeof v === 'function'));
    expect(migrations.length).toBeGreaterThanOrEqual(3);
    const statements: string[] = [];
    const logger: Logger = {
      logQuery: (query) => void statements.push(query),
      logQueryError: () => undefined,
      logQuerySlow: () => undefined,
      logSchemaBuild: () => undefined,
      logMigration: () => undefined,
      log: () => undefined,
    };
    const ds = new DataSource({ type: 'sqlite', database: ':memory:', migrations, logging: ['query'], logger, synchronize: false });
    await ds.initialize();
    try {
      const ran = await ds.runMigrations({ transaction: 'each' });
      expect(ran.length).toBe(migrations.length);
    } finally {
      await ds.destroy();
    }
    const offending = statements
      .map((s) => s.replace(/\s+/g, ' ').trim())
      .filter((s) => {
        if (/\bDROP\s+(TABLE|COLUMN|VIEW)\b/i.test(s) && !/\bDROP\s+TABLE\s+IF\s+EXISTS\s+"?temporary_/i.test(s)) return true;
        if (/\bRENAME\b/i.test(s)) return true;
        const alter = /\bALTER\s+TABLE\s+\S+\s+(.*)$/i.exec(s);
        if (!alter) return false;
        const add = /^ADD\s+(COLUMN\s+)?(.*)$/i.exec(alter[1]);
        if (!add) return true;
        return /\bNOT\s+NULL\b/i.test(add[2]) && !/\bDEFAULT\b/i.test(add[2]);
      });
    expect(statements.length).toBeGreaterThan(10);
    expect(offending).toEqual([]);
  });
});
