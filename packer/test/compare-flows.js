#!/usr/bin/env node
// Compares the flows the appliance shows (GET /api/v1/flows page) with
// `flowprobe analyze` of the same capture: the same flows (l4, client, server,
// VLAN), each with the same packet and byte counts in both directions, the same
// nDPI protocol. Exit 0 when equal; prints every difference otherwise.
//   node compare-flows.js ANALYZE.ndjson FLOWS.json
'use strict';
const fs = require('fs');
const [analyzeFile, apiFile] = process.argv.slice(2);
const key = (l4, vlan, c, s) => `${l4} ${vlan} ${c.ip}:${c.port} > ${s.ip}:${s.port}`;
const expected = new Map();
for (const line of fs.readFileSync(analyzeFile, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const f = JSON.parse(line);
  if (!f.client) continue; // the summary line
  expected.set(key(f.l4, f.vlan, f.client, f.server), { c2s: f.cli2srv, s2c: f.srv2cli, l7: f.l7 });
}
const page = JSON.parse(fs.readFileSync(apiFile, 'utf8'));
const actual = new Map();
for (const f of page.data) {
  actual.set(key(f.protocol.l4, f.vlan, f.client, f.server), { c2s: f.cli2srv, s2c: f.srv2cli, l7: f.protocol.l7 });
}
const problems = [];
for (const [k, e] of expected) {
  const a = actual.get(k);
  if (!a) { problems.push(`missing in the API: ${k}`); continue; }
  for (const dir of ['c2s', 's2c']) {
    if (a[dir].packets !== e[dir].packets || a[dir].bytes !== e[dir].bytes) {
      problems.push(`${k} ${dir}: API ${a[dir].packets} packets ${a[dir].bytes} bytes, analyze ${e[dir].packets} packets ${e[dir].bytes} bytes`);
    }
  }
  if (a.l7 !== e.l7) problems.push(`${k}: API l7 ${a.l7}, analyze ${e.l7}`);
}
for (const k of actual.keys()) if (!expected.has(k)) problems.push(`extra in the API: ${k}`);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
const packets = [...expected.values()].reduce((n, e) => n + e.c2s.packets + e.s2c.packets, 0);
console.log(`compare-flows: ${expected.size} flows, ${packets} packets: equal`);
