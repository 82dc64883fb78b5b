import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { RecipientEntity } from './recipient.entity';
import { RecipientConfig } from './recipient.types';

/** SQLite access for SIEM recipients. */
@Injectable()
export class RecipientsRepository {
  private readonly recipients: Repository<RecipientEntity>;

  constructor(dataSource: DataSource) {
    this.recipients = dataSource.getRepository(RecipientEntity);
  }

  async all(): Promise<RecipientConfig[]> {
    const rows = await this.recipients.find({ order: { createdAtS: 'ASC' } });
    return rows.map((r) => ({ ...(JSON.parse(r.config) as Omit<RecipientConfig, 'id'>), id: r.id }));
  }

  async byName(name: string): Promise<RecipientEntity | null> {
    return this.recipients.findOneBy({ name });
  }

  async save(c: RecipientConfig, nowS: number, isNew: boolean): Promise<void> {
    const { id, ...config } = c;
    if (isNew) await this.recipients.insert({ id, name: c.name, config: JSON.stringify(config), createdAtS: nowS, updatedAtS: nowS });
    else await this.recipients.update({ id }, { name: c.name, config: JSON.stringify(config), updatedAtS: nowS });
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.recipients.delete({ id });
    return (r.affected ?? 0) > 0;
  }
}
