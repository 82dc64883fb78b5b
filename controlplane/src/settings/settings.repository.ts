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

  async getAll(): Promise<Record<string, unknown>> {
    const rows = await this.settings.find();
    return Object.fromEntries(rows.map((row) => [row.key, JSON.parse(row.value) as unknown]));
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
