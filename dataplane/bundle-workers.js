'use strict';
/**
 * After `tsc` (npm run build): each thread entry of dist/worker bundled with its modules into one
 * file beside it, `<entry>.bundle.js` (esbuild; koffi, a native addon, stays a require). A worker
 * thread loads one file instead of ~50 (each costs a module resolution, a read and a compile: the
 * capture worker's modules took 30 ms of its start, 19 ms bundled). compiledWorkerScript() takes
 * the bundle when it is not older than the compiled entry (a later `tsc` alone is not hidden).
 * Paths from __dirname stay right: every bundled module sat one folder under dist/, as the bundle does.
 */
const path = require('node:path');
const esbuild = require('esbuild');

const ENTRIES = ['worker/capture-worker.js', 'worker/file-reader-worker.js'];

for (const entry of ENTRIES) {
  const file = path.join(__dirname, 'dist', entry);
  esbuild.buildSync({
    entryPoints: [file],
    outfile: file.replace(/\.js$/, '.bundle.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['koffi'],
    logLevel: 'warning',
  });
}
