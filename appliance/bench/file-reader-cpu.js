#!/usr/bin/env node
/**
 * The file reader thread's two halves alone, in this process, for paired before/after runs
 * of two builds (a copy of an older `dataplane/dist` against this one, A B A B ...):
 *
 *   node appliance/bench/file-reader-cpu.js reader DIST CAPTURE [PASSES=3]
 *     FileReader over CAPTURE (classic pcap, read in place) with 2 rings, both closed (no worker:
 *     the reader never waits), PASSES passes; prints each pass's user+system CPU.
 *   node appliance/bench/file-reader-cpu.js ring DIST
 *     RingSource.nextBurst alone over a full ring (worker 0 of 2, every other packet of the
 *     slots), 256 packets a burst; prints CPU ns per packet. Works with either ring layout
 *     (six descriptor fields per entry before 2026-12-07 23:00 UTC, one packet reference since).
 *
 * DIST is a compiled `dataplane/dist` (after `make build`); docs/capture-files.md, "Is it the
 * machine?", gives the figures.
 */
const path = require('node:path');
const [mode, distArg, file, passesArg] = process.argv.slice(2);
if ((mode !== 'reader' && mode !== 'ring') || !distArg || (mode === 'reader' && !file)) {
  process.stderr.write('usage: file-reader-cpu.js reader DIST CAPTURE [PASSES] | ring DIST\n');
  process.exit(2);
}
const dist = path.resolve(distArg);
const L = require(`${dist}/worker/packet-ring.layout.js`);
// RingI32.Write, .Read, .Closed (const enum: not in the compiled module).
const WRITE = 8;
const CLOSED = 8 + 2 * 64;

if (mode === 'reader') {
  const { FileReader } = require(`${dist}/worker/file-reader.js`);
  const { PcapFileSource } = require(`${dist}/capture/pcap-file-source.js`);
  const out = [];
  for (let r = 0; r < Number(passesArg || 3); r++) {
    const b = L.allocatePacketRings(2);
    const ctl = new Int32Array(b.control);
    for (let w = 0; w < 2; w++) ctl[CLOSED + w] = 1;
    const src = new PcapFileSource(file);
    src.readInPlace();
    const t0 = process.cpuUsage();
    new FileReader(src, b).run();
    const d = process.cpuUsage(t0);
    src.close();
    out.push(`user ${(d.user / 1e6).toFixed(3)} s + system ${(d.system / 1e6).toFixed(3)} s`);
  }
  console.log(`${dist}: ${out.join(', ')}`);
} else {
  const { RingSource } = require(`${dist}/worker/ring-source.js`);
  const b = L.allocatePacketRings(2);
  const ctl = new Int32Array(b.control);
  if (b.descriptors) {
    const ring = new Uint32Array(b.rings[0]);
    for (let i = 0; i < L.RING_CAPACITY; i++) ring[i] = (i * 2) % L.RING_CAPACITY;
  }
  const src = new RingSource(b, 0, new Int32Array(16), true);
  const burst = src.createBurst(256);
  let n = 0;
  const t0 = process.cpuUsage();
  for (let p = 0; p < 400; p++) {
    Atomics.store(ctl, WRITE, (Atomics.load(ctl, WRITE) + L.RING_CAPACITY) | 0);
    for (let got = 0; got < L.RING_CAPACITY; ) {
      const k = src.nextBurst(burst);
      got += k;
      n += k;
    }
  }
  const d = process.cpuUsage(t0);
  console.log(`${dist}: ${(((d.user + d.system) * 1000) / n).toFixed(2)} ns per packet (${n} packets)`);
}
