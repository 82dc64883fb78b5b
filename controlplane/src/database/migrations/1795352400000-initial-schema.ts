import { MigrationInterface, QueryRunner } from 'typeorm';

const INTERFACE_POINT = `
  ifid integer NOT NULL,
  t integer NOT NULL,
  bytes real NOT NULL,
  packets real NOT NULL,
  drops real NOT NULL,
  bps real NOT NULL,
  pps real NOT NULL,
  num_flows integer NOT NULL,
  num_hosts integer NOT NULL,
  PRIMARY KEY (ifid, t)`;

const HOST_POINT = `
  host text NOT NULL,
  t integer NOT NULL,
  bytes_sent real NOT NULL,
  bytes_rcvd real NOT NULL,
  packets_sent real NOT NULL,
  packets_rcvd real NOT NULL,
  bps real NOT NULL,
  PRIMARY KEY (host, t)`;

/** Users, sessions, API tokens, settings and the timeseries tables. */
export class InitialSchema1795352400000 implements MigrationInterface {
  name = 'InitialSchema1795352400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE users (
      id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      username text NOT NULL UNIQUE,
      password_hash text NOT NULL,
      role text NOT NULL CHECK (role IN ('admin', 'viewer')),
      must_change_password boolean NOT NULL DEFAULT (0),
      created_at integer NOT NULL,
      last_login_at integer)`);
    await q.query(`CREATE TABLE sessions (
      token_hash text PRIMARY KEY NOT NULL,
      user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      created_at integer NOT NULL,
      expires_at integer NOT NULL)`);
    await q.query(`CREATE INDEX idx_sessions_user ON sessions (user_id)`);
    await q.query(`CREATE INDEX idx_sessions_expires ON sessions (expires_at)`);
    await q.query(`CREATE TABLE api_tokens (
      id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      name text NOT NULL,
      prefix text NOT NULL,
      token_hash text NOT NULL UNIQUE,
      created_at integer NOT NULL,
      expires_at integer,
      last_used_at integer)`);
    await q.query(`CREATE INDEX idx_api_tokens_user ON api_tokens (user_id)`);
    await q.query(`CREATE TABLE settings (
      key text PRIMARY KEY NOT NULL,
      value text NOT NULL,
      updated_at integer NOT NULL)`);
    for (const table of ['ts_interface_minute', 'ts_interface_hour', 'ts_interface_day']) {
      await q.query(`CREATE TABLE ${table} (${INTERFACE_POINT})`);
      await q.query(`CREATE INDEX idx_${table}_t ON ${table} (t)`);
    }
    for (const table of ['ts_host_5min', 'ts_host_hour', 'ts_host_day']) {
      await q.query(`CREATE TABLE ${table} (${HOST_POINT})`);
      await q.query(`CREATE INDEX idx_${table}_t ON ${table} (t)`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'ts_host_day', 'ts_host_hour', 'ts_host_5min',
      'ts_interface_day', 'ts_interface_hour', 'ts_interface_minute',
      'settings', 'api_tokens', 'sessions', 'users',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
