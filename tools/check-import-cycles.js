#!/usr/bin/env node
/**
 * Fails (exit 1) on an import cycle inside a package, between files or between
 * the top-level folders of its src/ (a file directly in src/ is a node of its
 * own). Type-only imports count: a cycle of types is a cycle of concepts.
 * Imports of other packages are not followed.
 *
 *   node tools/check-import-cycles.js            every package
 *   node tools/check-import-cycles.js dataplane  one package
 *
 * Run by `make test` (target `cycles`).
 */
const path = require('node:path');
const madge = require('madge');

const ROOT = path.resolve(__dirname, '..');
const PACKAGES = { dataplane: 'dataplane/src', controlplane: 'controlplane/src', appliance: 'appliance/src', portal: 'portal/src' };

/** Strongly connected components with more than one node (Tarjan). */
function cycles(graph) {
  let index = 0;
  const stack = [];
  const on = new Set();
  const idx = new Map();
  const low = new Map();
  const out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/** One edge per folder pair, with the file import that makes it (for the message). */
function folderGraph(files) {
  const folder = (f) => (f.includes('/') ? `${f.slice(0, f.indexOf('/'))}/` : f);
  const graph = new Map();
  const why = new Map();
  for (const [file, deps] of Object.entries(files)) {
    const a = folder(file);
    if (!graph.has(a)) graph.set(a, new Set());
    for (const d of deps) {
      const b = folder(d);
      if (a === b) continue;
      graph.get(a).add(b);
      if (!why.has(`${a}>${b}`)) why.set(`${a}>${b}`, `${file} -> ${d}`);
    }
  }
  return { graph, why };
}

async function check(name, dir) {
  const res = await madge(path.join(ROOT, dir), {
    fileExtensions: ['ts'],
    tsConfig: path.join(ROOT, name, 'tsconfig.json'),
    excludeRegExp: [/\.spec\.ts$/, /node_modules/],
    detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } },
  });
  const files = {};
  for (const [file, deps] of Object.entries(res.obj())) if (!file.startsWith('..')) files[file] = deps.filter((d) => !d.startsWith('..'));
  const problems = [];
  for (const c of res.circular().filter((c) => !c.some((f) => f.startsWith('..')))) problems.push(`file cycle: ${c.join(' -> ')} -> ${c[0]}`);
  const { graph, why } = folderGraph(files);
  for (const scc of cycles(graph)) {
    const edges = [];
    for (const a of scc) for (const b of scc) if (why.has(`${a}>${b}`)) edges.push(`  ${a} -> ${b}: ${why.get(`${a}>${b}`)}`);
    problems.push(`folder cycle among ${scc.join(', ')}:\n${edges.join('\n')}`);
  }
  console.log(`${name}: ${Object.keys(files).length} files, ${problems.length === 0 ? 'no import cycle' : `${problems.length} cycle(s)`}`);
  for (const p of problems) console.log(`  ${p}`);
  return problems.length;
}

async function main() {
  const only = process.argv[2];
  let failed = 0;
  for (const [name, dir] of Object.entries(PACKAGES)) if (!only || only === name) failed += await check(name, dir);
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
