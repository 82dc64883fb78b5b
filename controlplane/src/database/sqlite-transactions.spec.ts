import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { SettingEntity } from '../settings/setting.entity';
import { openDatabase } from './data-source';

/** Concurrent transactions and saves on one real SQLite file (the single shared TypeORM connection). */
describe('SQLite transactions are serialized', () => {
  let dir: string;
  let db: DataSource;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-sqlite-'));
    db = await openDatabase(path.join(dir, 'flowprobe.db'));
  });

  afterEach(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const row = (key: string, value: unknown) => ({ key, value: JSON.stringify(value), updatedAt: 1 });

  it('runs overlapping transactions, plain saves and nested transactions without "transaction within a transaction"', async () => {
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      work.push(
        db.transaction(async (m) => {
          await m.upsert(SettingEntity, row(`tx${i}`, i), ['key']);
          await new Promise((r) => setTimeout(r, 1)); // hold the transaction across an event-loop turn
          await m.transaction(async (inner) => inner.upsert(SettingEntity, row(`nested${i}`, i), ['key']));
        }),
      );
      work.push(db.getRepository(SettingEntity).save(row(`save${i}`, i)));
    }
    await Promise.all(work);
    const keys = (await db.getRepository(SettingEntity).find()).map((r) => r.key);
    for (let i = 0; i < 20; i++) expect(keys).toEqual(expect.arrayContaining([`tx${i}`, `nested${i}`, `save${i}`]));
  });

  it('rolls back a failed transaction alone and lets the next one through', async () => {
    const failing = db.transaction(async (m) => {
      await m.upsert(SettingEntity, row('doomed', 1), ['key']);
      throw new Error('boom');
    });
    const next = db.transaction(async (m) => m.upsert(SettingEntity, row('kept', 2), ['key']));
    await expect(failing).rejects.toThrow('boom');
    await next;
    const keys = (await db.getRepository(SettingEntity).find()).map((r) => r.key);
    expect(keys).toContain('kept');
    expect(keys).not.toContain('doomed');
  });

  it('a transaction SQLite rolled back by itself (database full) releases the lock: later writes go through', async () => {
    // SQLITE_FULL without filling a disk: the database may not grow past its current size.
    const pages = Number(((await db.query('PRAGMA page_count')) as { page_count: number }[])[0].page_count);
    await db.query(`PRAGMA max_page_count = ${pages + 2}`);
    const full = db.transaction(async (m) => {
      for (let i = 0; i < 50; i++) await m.upsert(SettingEntity, row(`big${i}`, 'x'.repeat(8192)), ['key']);
    });
    await expect(full).rejects.toThrow(/SQLITE_FULL/);
    await db.query(`PRAGMA max_page_count = ${pages + 10_000}`);
    // Before the fix the failed ROLLBACK left TypeORM in its transaction and this waited forever.
    const next = db.transaction(async (m) => m.upsert(SettingEntity, row('after-full', 1), ['key']));
    await expect(Promise.race([next.then(() => 'stored'), new Promise((r) => setTimeout(() => r('still waiting after 10 s'), 10_000))])).resolves.toBe('stored');
    const keys = (await db.getRepository(SettingEntity).find()).map((r) => r.key);
    expect(keys).toContain('after-full');
    expect(keys).not.toContain('big0');
  });
});
