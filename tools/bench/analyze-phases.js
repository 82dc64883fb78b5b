// node analyze-phases.js <dataplane dir> <bench-data dir> [inline]: with "inline", the flow benchmark's four inline
// passes first (large twice, 64b-1m-flows twice), then one analyze of large (1 worker, no DPI) timed by phase:
// Dataplane.start and the read (whenFinished), with the RSS after. docs/architecture.md, "What the refactor cost".
const dir = process.argv[2];
const d = dir + '/dist-bench/src/';
const { Dataplane } = require(d + 'dataplane.js');
const { PacketBurst } = require(d + 'capture/packet-burst.js');
const { PcapFileSource } = require(d + 'capture/pcap-file-source.js');
const { decodePacket } = require(d + 'decode/decode-packet.js');
const { DecodedPacket } = require(d + 'decode/decoded-packet.js');
const { FlowTable } = require(d + 'flow/flow-table.js');
const { HostTable } = require(d + 'host/host-table.js');
let END; for (const m of [d + 'capture/capture-source.js', d + 'capture/packet-source.js']) { try { END = END ?? require(m).END_OF_CAPTURE; } catch {} }
function inlinePass(file) {
  const hosts = new HostTable(HostTable.allocate(1 << 18));
  const flows = new FlowTable(FlowTable.allocate(1 << 21), hosts);
  const source = new PcapFileSource(file); const burst = new PacketBurst(); const p = new DecodedPacket(); const now = flows.now;
  const t0 = performance.now();
  while (source.nextBurst(burst) !== END) { for (let i = 0; i < burst.count; i++) { if (decodePacket(burst.data, burst.offset[i], burst.caplen[i], burst.linkType[i], p) !== 0) continue; now[0] = burst.tsS[i]; flows.accountNow(p, burst.caplen[i]); } }
  source.close(); return ((performance.now() - t0) / 1000).toFixed(2);
}
(async () => {
  const large = process.argv[3] + '/large.pcap', small = process.argv[3] + '/64b-1m-flows.pcap';
  const inl = process.argv[4] === 'inline' ? [inlinePass(large), inlinePass(large), inlinePass(small), inlinePass(small)] : [];
  const t0 = process.hrtime.bigint();
  const dp = await Dataplane.start({ source: { kind: 'pcap', path: large }, workers: 1, idleTimeoutS: 0, hostIdleTimeoutS: 0, dpi: false, flowCapacity: 1 << 21 });
  const t1 = process.hrtime.bigint();
  await dp.whenFinished();
  const t2 = process.hrtime.bigint();
  const ms = (a, b) => (Number(b - a) / 1e6).toFixed(0);
  console.log(`inline ${inl.join(' ')} | start ${ms(t0, t1)} run ${ms(t1, t2)} rss ${(process.memoryUsage().rss/2**20).toFixed(0)}MiB load ${require('os').loadavg()[0].toFixed(2)}`);
  process.exit(0);
})();
