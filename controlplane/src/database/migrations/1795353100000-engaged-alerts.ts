import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Crash-safe alert state (alerts module, docs/reliability.md): engaged alerts survive a
 * restart (restored, not raised again), and the alert outbox keeps every alert event
 * until the forwarders (SIEM queues) have taken it, so a `kill -9` between storing and
 * forwarding re-forwards it at the next start with the same id (at-least-once).
 */
export class EngagedAlerts1795353100000 implements MigrationInterface {
  name = 'EngagedAlerts1795353100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE engaged_alerts (
      key text PRIMARY KEY NOT NULL,
      id text NOT NULL,
      ifid integer NOT NULL,
      json text NOT NULL)`);
    // One row per message: (id, status) identifies it (docs/alerts-siem.md).
    await q.query(`CREATE TABLE alert_outbox (
      id text NOT NULL,
      status text NOT NULL,
      ifid integer NOT NULL,
      json text NOT NULL,
      created_at integer NOT NULL,
      PRIMARY KEY (id, status))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alert_outbox`);
    await q.query(`DROP TABLE engaged_alerts`);
  }
}
