import { Injectable } from '@nestjs/common';
import { DataSource, Not, Repository } from 'typeorm';
import { IpfixCollectorEntity } from './ipfix-collector.entity';

/** SQLite access for IPFIX collectors. */
@Injectable()
export class IpfixCollectorsRepository {
  private readonly rows: Repository<IpfixCollectorEntity>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository(IpfixCollectorEntity);
  }

  all(): Promise<IpfixCollectorEntity[]> {
    return this.rows.find({ order: { createdAtS: 'ASC' } });
  }

  get(id: string): Promise<IpfixCollectorEntity | null> {
    return this.rows.findOneBy({ id });
  }

  async nameTaken(name: string, exceptId?: string): Promise<boolean> {
    return (await this.rows.countBy(exceptId ? { name, id: Not(exceptId) } : { name })) > 0;
  }

  save(row: IpfixCollectorEntity): Promise<IpfixCollectorEntity> {
    return this.rows.save(row);
  }

  async delete(id: string): Promise<boolean> {
    return ((await this.rows.delete({ id })).affected ?? 0) > 0;
  }
}
