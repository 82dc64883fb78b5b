import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { SettingEntity } from './setting.entity';

/** SQLite access for settings: one row per top-level key, value as JSON. */
@Injectable()
export class SettingsRepository {
  private readonly settings: Repository<SettingEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.settings = dataSource.getRepository(SettingEntity);
  }

  /** Every stored key; a value that is not JSON is reported in `unreadable` instead (key → reason). */
  async getAll(): Promise<Record<string, unknown>> {
    return (await this.getAllChecked()).values;
  }

  async getAllChecked(): Promise<{ values: Record<string, unknown>; unreadable: Record<string, string> }> {
    const rows = await this.settings.find();
    const values: Record<string, unknown> = {};
    const unreadable: Record<string, string> = {};
    for (const row of rows) {
      try {
        values[row.key] = JSON.parse(row.value) as unknown;
      } catch (err) {
        unreadable[row.key] = `stored value is not valid JSON: ${(err as Error).message}`;
      }
    }
    return { values, unreadable };
  }

  /** Writes the given keys in one transaction. */
  async upsert(values: Record<string, unknown>, nowS: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (const [key, value] of Object.entries(values)) {
        await manager.upsert(SettingEntity, { key, value: JSON.stringify(value), updatedAt: nowS }, ['key']);
      }
    });
  }
}
