#!/usr/bin/env node
/**
 * The CPU of `flowprobe analyze`'s ndjson output alone, old path against new, in one process:
 * one packet pass over CAPTURE (DPI on, WORKERS workers, 524 288 flows and 131 072 hosts in
 * all), then ROUNDS rounds alternating the records path the command had before (allFlows, the
 * sort of the records, JSON.stringify per flow, 64 KiB writes) and Dataplane.writeFlowsNdjson
 * (1 MiB writes), both to /dev/null; prints each round's wall and CPU time (process.cpuUsage:
 * the main thread and V8's helpers, the workers having exited) and the load average.
 *
 *   node appliance/bench/ndjson-output-cpu.js bench-data/large.pcap [WORKERS=2] [ROUNDS=4]
 *
 * (after `make build`; docs/capture-files.md, "Where the time goes with two workers").
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const root = path.resolve(__dirname, '../..');
const { Dataplane } = require(path.join(root, 'dataplane/dist/dataplane.js'));
const { ndjsonFlow } = require(path.join(root, 'dataplane/dist/flow/flow-ndjson.js'));

const [capture, workersArg = '2', roundsArg = '4'] = process.argv.slice(2);
const workers = Number(workersArg);

function timed(label, fn) {
  const c0 = process.cpuUsage();
  const w0 = process.hrtime.bigint();
  fn();
  const c = process.cpuUsage(c0);
  const wall = Number(process.hrtime.bigint() - w0) / 1e9;
  console.log(`${label}: wall ${wall.toFixed(2)} s, cpu ${((c.user + c.system) / 1e6).toFixed(2)} s`);
}

(async () => {
  console.log(`load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at ${new Date().toISOString()}`);
  const dp = await Dataplane.start({
    source: { kind: 'pcap', path: capture },
    workers,
    idleTimeoutS: 0,
    hostIdleTimeoutS: 0,
    dpi: true,
    flowCapacity: Math.floor(524288 / workers),
    hostCapacity: Math.floor(131072 / workers),
    activeTimeoutS: 0,
  });
  await dp.whenFinished();
  const out = fs.openSync('/dev/null', 'w');
  for (let round = 1; round <= Number(roundsArg); round++) {
    timed(`round ${round} old (allFlows, sort, JSON.stringify)`, () => {
      const sorted = [...dp.allFlows()].sort((a, b) => b.cli2srv.bytes + b.srv2cli.bytes - (a.cli2srv.bytes + a.srv2cli.bytes));
      let chunk = '';
      for (const f of sorted) {
        chunk += `${JSON.stringify(ndjsonFlow(f))}\n`;
        if (chunk.length >= 1 << 16) {
          fs.writeSync(out, chunk);
          chunk = '';
        }
      }
      fs.writeSync(out, chunk);
    });
    timed(`round ${round} new (writeFlowsNdjson)`, () => dp.writeFlowsNdjson([], (c) => fs.writeSync(out, c)));
  }
  fs.closeSync(out);
  console.log(`load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at ${new Date().toISOString()}`);
})();
