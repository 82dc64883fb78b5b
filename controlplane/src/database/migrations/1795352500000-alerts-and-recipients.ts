import { MigrationInterface, QueryRunner } from 'typeorm';

/** Past alerts and SIEM recipients (alerts and SIEM modules). */
export class AlertsAndRecipients1795352500000 implements MigrationInterface {
  name = 'AlertsAndRecipients1795352500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE alerts (
      id text PRIMARY KEY NOT NULL,
      check_id text NOT NULL,
      entity_type text NOT NULL CHECK (entity_type IN ('flow', 'host', 'interface')),
      entity_value text NOT NULL,
      host text NOT NULL,
      ifid integer NOT NULL,
      severity text NOT NULL,
      severity_rank integer NOT NULL,
      score integer NOT NULL,
      status text NOT NULL CHECK (status IN ('released', 'triggered')),
      time_s real NOT NULL,
      end_time_s real NOT NULL,
      title text NOT NULL,
      description text NOT NULL,
      acknowledged boolean NOT NULL DEFAULT (0),
      acknowledged_at real,
      acknowledged_by text,
      json text NOT NULL)`);
    await q.query(`CREATE INDEX idx_alerts_time ON alerts (time_s)`);
    await q.query(`CREATE INDEX idx_alerts_check ON alerts (check_id)`);
    await q.query(`CREATE INDEX idx_alerts_entity_value ON alerts (entity_value)`);
    await q.query(`CREATE INDEX idx_alerts_host ON alerts (host)`);
    await q.query(`CREATE INDEX idx_alerts_severity_rank ON alerts (severity_rank)`);
    await q.query(`CREATE TABLE siem_recipients (
      id text PRIMARY KEY NOT NULL,
      name text NOT NULL UNIQUE,
      config text NOT NULL,
      created_at integer NOT NULL,
      updated_at integer NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE siem_recipients`);
    await q.query(`DROP TABLE alerts`);
  }
}
