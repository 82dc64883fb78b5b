#!/usr/bin/env node
'use strict';
// A failure exits at once with its code: whatever a failed start left open (a socket, a timer) must not keep the process hanging.
require('../dist/cli.js').main(process.argv).then(
  (code) => { if (code !== 0) process.exit(code); },
  (err) => { console.error(`flowprobe: ${err && err.message ? err.message : err}`); process.exit(1); },
);
