// node analyze-once.js <dataplane dir> <capture> <workers>: one analyzeCapture (no DPI) in this fresh process;
// prints packets, flows and the elapsed seconds analyzeCapture reports (start, read, end; not the flow read-out).
const [dir, path, workers] = process.argv.slice(2);
const { analyzeCapture } = require(dir + '/dist-bench/src/index.js');
analyzeCapture({ kind: 'pcap', path }, { workers: Number(workers), dpi: false, flowCapacity: 1 << 21 }).then((r) => {
  console.log(`${r.stats.packets} ${r.flows.length} ${r.elapsedS.toFixed(3)}`);
  process.exit(0);
});
