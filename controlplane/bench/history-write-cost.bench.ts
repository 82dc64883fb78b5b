/**
 * What DuckDB itself costs to write the history's `flows` rows, by column
 * set, without any JavaScript on the path: 8 × 245 760 rows shaped like the
 * history benchmark's records (and a random 20-byte Community ID) are made
 * once in a temporary table, then `INSERT INTO <day file>.flows SELECT ...`
 * is timed in process CPU time per row, for all columns and without groups
 * of string columns. The floor under any write path that stores these
 * columns so (docs/history.md, Performance).
 *
 *   cd controlplane && npx tsc -p tsconfig.bench.json && node dist-bench/bench/history-write-cost.bench.js
 *
 * Env: HISTORY_WRITE_THREADS (DuckDB threads, default 2, as the store).
 */
import * as fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const ROWS = 245_760;
const ROUNDS = 8;
const FEW = ['probe', 'iface', 'end_reason', 'l4', 'l7', 'category', 'breed'];
const OTHER = ['flow_key', 'server_name', 'risks', 'cli_name', 'srv_name', 'cli_ip6', 'srv_ip6'];
/** The few-valued strings as codes of a per-day dictionary (what the coded layout stores). */
const CODED = FEW.map((c) => `(hash(${c}) % 1000)::USMALLINT AS ${c}`).join(', ');
/** [label, columns left out, columns replaced (`SELECT * REPLACE (...)`)] */
const SETS: [string, string[], string][] = [
  ['all 38 columns', [], ''],
  ['without Community ID', ['community_id'], ''],
  ['without the 7 few-valued strings', FEW, ''],
  ['without Community ID and the other strings (7 few-valued strings kept)', ['community_id', ...OTHER], ''],
  ['numbers only (no string column)', ['community_id', ...FEW, ...OTHER], ''],
  ['the 7 few-valued strings as USMALLINT codes', [], CODED],
  ['codes, Community ID as a 20-byte BLOB', [], `${CODED}, from_base64(community_id[3:]) AS community_id`],
  ['codes, Community ID as 5 UINTEGERs', [], `${CODED}, NULL::VARCHAR AS community_id`],
];

const SOURCE = `SELECT 'bench' probe, 'eth1' iface, (i % 2)::VARCHAR || ':' || i::VARCHAR || ':1' flow_key, (t - 3000)::BIGINT flow_start_ms,
  (t - 3000)::BIGINT first_seen_ms, t::BIGINT last_seen_ms, CASE WHEN i % 5 = 0 THEN 'active_timeout' ELSE 'idle' END end_reason,
  4::UTINYINT ip_version, 0::USMALLINT vlan, CASE WHEN i % 3 = 0 THEN 'UDP' ELSE 'TCP' END l4, (CASE WHEN i % 3 = 0 THEN 17 ELSE 6 END)::UTINYINT l4_proto,
  (167772160 + i % 50000)::UINTEGER cli_v4, NULL::VARCHAR cli_ip6, NULL::UHUGEINT cli_n6, (32768 + i % 28000)::USMALLINT cli_port,
  (3221225472 + i % 2000)::UINTEGER srv_v4, NULL::VARCHAR srv_ip6, NULL::UHUGEINT srv_n6, ([443, 53, 80, 22, 123][i % 5 + 1])::USMALLINT srv_port,
  (5 + i % 17)::BIGINT c2s_pkts, (400 + i % 3000)::BIGINT c2s_bytes, (4 + i % 13)::BIGINT s2c_pkts, (900 + i % 9000)::BIGINT s2c_bytes,
  (CASE WHEN i % 11 = 0 THEN 1 ELSE 0 END)::BIGINT c2s_retrans, 0::BIGINT s2c_retrans, 27::UTINYINT c2s_flags, 27::UTINYINT s2c_flags,
  (['TLS.YouTube', 'TLS.Google', 'DNS', 'HTTP', 'QUIC.Google', 'TLS', 'NTP', 'SSH', 'TLS.Microsoft', 'TLS.Amazon', 'Unknown', 'HTTP.Facebook'])[i % 12 + 1] l7,
  'Web' category, 'Safe' breed, CASE WHEN i % 2 = 0 THEN 'host' || (i % 500)::VARCHAR || '.example.com' ELSE '' END server_name, '' risks, 0 score,
  '1:' || to_base64(unhex(md5(i::VARCHAR) || md5((-i)::VARCHAR)[1:8])) community_id, '' cli_name,
  CASE WHEN i % 2 = 0 THEN 'host' || (i % 500)::VARCHAR || '.example.com' ELSE '' END srv_name, (-1)::SMALLINT icmp_type, (-1)::SMALLINT icmp_code
  FROM (SELECT i, ${Date.parse('2026-11-02T00:00:00Z')} + i * 5 AS t FROM range(${ROWS}) r(i))`;

async function main(): Promise<void> {
  const threads = process.env.HISTORY_WRITE_THREADS ?? '2';
  console.log(`history write cost: ${ROUNDS} × ${ROWS} rows per column set, DuckDB threads ${threads}; uptime: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`);
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'flowprobe-history-write-cost-'));
  try {
    for (const [label, without, replace] of SETS) {
      const instance = await DuckDBInstance.create(':memory:', { threads, memory_limit: '512MB' });
      const conn = await instance.connect();
      const file = path.join(dir, 'day.duckdb');
      await conn.run(`ATTACH '${file}' AS d`);
      const words = label.includes('5 UINTEGERs') ? ', ' + [0, 1, 2, 3, 4].map((w) => `(hash(i, ${w}) >> 32)::UINTEGER AS cid${w}`).join(', ') : '';
      const source = words ? SOURCE.replace(' FROM (SELECT i,', `${words} FROM (SELECT i,`) : SOURCE;
      await conn.run(
        `CREATE TEMP TABLE src AS SELECT * ${without.length ? `EXCLUDE (${without.join(', ')})` : ''} ${replace ? `REPLACE (${replace})` : ''} FROM (${source})`,
      );
      await conn.run('CREATE TABLE d.flows AS SELECT * FROM temp.src LIMIT 0');
      let cpuUs = 0;
      for (let k = 0; k < ROUNDS; k++) {
        const before = process.cpuUsage();
        await conn.run('INSERT INTO d.flows SELECT * FROM temp.src');
        const used = process.cpuUsage(before);
        cpuUs += used.user + used.system;
      }
      await conn.run('CHECKPOINT d');
      const bytes = fs.statSync(file).size;
      conn.closeSync();
      instance.closeSync();
      fs.rmSync(file, { force: true });
      fs.rmSync(`${file}.wal`, { force: true });
      console.log(`${label}: ${(cpuUs / (ROUNDS * ROWS)).toFixed(2)} µs of CPU per row, ${(bytes / (ROUNDS * ROWS)).toFixed(1)} bytes per row on disk`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    console.log(`uptime after: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`);
  }
}

void main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
