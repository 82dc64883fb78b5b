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
});
