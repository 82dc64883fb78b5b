#!/usr/bin/env node
'use strict';
require('../dist/cli.js').main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`flowprobe: ${err && err.message ? err.message : err}`); process.exitCode = 1; },
);
