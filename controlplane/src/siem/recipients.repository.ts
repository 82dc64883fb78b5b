import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { RecipientEntity } from './recipient.entity';
import { RecipientConfig } from './recipient.types';

/** A stored recipient: its configuration, or why the stored row cannot be read. */
export interface StoredRecipient {
  config: RecipientConfig;
  /** Set when the row's JSON does not parse: `config` then only has id and name, disabled. */
  unreadable?: string;
}

/** SQLite access for SIEM recipients. */
@Injectable()
export class RecipientsRepository {
  private readonly recipients: Repository<RecipientEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.recipients = dataSource.getRepository(RecipientEntity);
  }

  /** Every stored recipient, oldest first; a row whose JSON is corrupt comes back disabled with `unreadable` set. */
  async all(): Promise<StoredRecipient[]> {
    const rows = await this.recipients.find({ order: { createdAtS: 'ASC' } });
    return rows.map((r) => {
      try {
        const parsed = JSON.parse(r.config) as unknown;
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
        return { config: { ...(parsed as Omit<RecipientConfig, 'id'>), id: r.id, name: r.name } };
      } catch (err) {
        const config: RecipientConfig = { id: r.id, name: r.name, enabled: false, minSeverity: 'emergency', type: 'webhook' };
        return { config, unreadable: `stored configuration is not valid JSON: ${(err as Error).message}` };
      }
    });
  }

  async byName(name: string): Promise<RecipientEntity | null> {
    return this.recipients.findOneBy({ name });
  }

  /**
   * Stores a recipient in one transaction: `check` runs inside it (after the
   * name is known to be free) and a throw from it, or from the write, leaves
   * the table unchanged.
   */
  async save(c: RecipientConfig, nowS: number, isNew: boolean, check: (manager: EntityManager) => void | Promise<void>): Promise<void> {
    const { id, ...config } = c;
    await this.dataSource.transaction(async (manager) => {
      await check(manager);
      const repo = manager.getRepository(RecipientEntity);
      if (isNew) await repo.insert({ id, name: c.name, config: JSON.stringify(config), createdAtS: nowS, updatedAtS: nowS });
      else await repo.update({ id }, { name: c.name, config: JSON.stringify(config), updatedAtS: nowS });
    });
  }

  /** Whether another recipient than `exceptId` has this name (inside a save's transaction). */
  async nameTaken(manager: EntityManager, name: string, exceptId?: string): Promise<boolean> {
    const row = await manager.getRepository(RecipientEntity).findOneBy({ name });
    return row !== null && row.id !== exceptId;
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.recipients.delete({ id });
    return (r.affected ?? 0) > 0;
  }
}
