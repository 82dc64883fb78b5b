/**
 * `make bench` for the dataplane: runs every compiled `*.bench.js` beside this
 * file, one child process each (a benchmark may initialise DPDK's EAL, which
 * works once per process), in name order, streaming their output.
 *
 *   npm run bench -w dataplane             all of them
 *   npm run bench -w dataplane -- analyze  only those whose name contains "analyze"
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

function main(): number {
  const filter = process.argv[2] ?? '';
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.js') && f.includes(filter))
    .sort();
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`# flowprobe dataplane benchmarks — ${os.cpus().length} x ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${new Date().toISOString()}`);
  let failed = 0;
  for (const f of files) {
    console.log(`\n## ${f.replace(/\.bench\.js$/, '')}`);
    const r = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, f)], { stdio: 'inherit', cwd: path.resolve(__dirname, '../..') });
    if (r.status !== 0) {
      console.log(`(${f} failed with ${r.status ?? r.signal})`);
      failed++;
    }
  }
  return failed === 0 ? 0 : 1;
}

process.exitCode = main();
