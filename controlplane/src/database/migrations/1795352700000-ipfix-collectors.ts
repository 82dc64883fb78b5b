import { MigrationInterface, QueryRunner } from 'typeorm';

/** IPFIX collectors (ipfix module). */
export class IpfixCollectors1795352700000 implements MigrationInterface {
  name = 'IpfixCollectors1795352700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ipfix_collectors (
      id text PRIMARY KEY NOT NULL,
      name text NOT NULL UNIQUE,
      host text NOT NULL,
      port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
      transport text NOT NULL CHECK (transport IN ('udp', 'tcp')),
      mode text NOT NULL CHECK (mode IN ('biflow', 'uniflow')),
      observation_domain_id integer NOT NULL CHECK (observation_domain_id BETWEEN 0 AND 4294967295),
      enabled boolean NOT NULL,
      created_at integer NOT NULL,
      updated_at integer NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ipfix_collectors`);
  }
}
