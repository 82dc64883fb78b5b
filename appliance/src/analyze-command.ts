import { statSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { AnalyzeResult, FlowExportRecord, FlowRecord, SourceSpec } from '@flowprobe/dataplane';
import type { IpBytesDeltas, IpfixExporter, IpfixExporterStats } from '@flowprobe/controlplane';

interface AnalyzeFlags {
  workers?: number;
  format: 'ndjson' | 'table' | 'records';
  idleTimeout?: number;
  activeTimeout?: number;
  probeId?: string;
  source?: string;
  dpi: boolean;
  flowCapacity?: number;
  hostCapacity?: number;
  localNetworks?: string[];
  export?: string[];
  exportTimeout: number;
}

/**
 * `flowprobe analyze CAPTURE`: every flow of a capture file (or of a DPDK
 * source, `--source dpdk:<EAL args>`), flows on stdout, summary on stderr.
 */
export function registerAnalyzeCommand(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('analyze')
    .description('read a capture and print every flow (ndjson: one JSON object per flow per line)')
    .argument('[capture]', 'pcap or pcapng file')
    .option('-w, --workers <n>', 'worker threads (shards); default: number of cores', positiveInt)
    .addOption(
      new Option('-f, --format <format>', "output format; 'records': the flow records history and IPFIX get (ndjson, interim ones included, remaining flows flushed at the end)")
        .choices(['ndjson', 'table', 'records'])
        .default('ndjson'),
    )
    .option('--active-timeout <s>', "with --format records: interim record of a running flow every S seconds of packet time (default 60, 0 = none)", nonNegativeInt)
    .option('--probe-id <id>', 'with --format records: probe id in the records (default: host name)')
    .option('--idle-timeout <s>', 'expire flows idle this long (packet time); default: never, as ndpiReader', positiveInt)
    .option('--source <spec>', "capture source instead of a file: 'dpdk:<EAL args>' (port 0, one RX queue per worker)")
    .option('--no-dpi', 'skip nDPI protocol detection')
    .option('--flow-capacity <n>', 'flow slots per worker', positiveInt)
    .option('--host-capacity <n>', 'host slots per worker', positiveInt)
    .option('--local-networks <cidrs>', 'comma-separated local networks (hosts in them are local)', (v: string) => v.split(',').map((c) => c.trim()).filter(Boolean))
    .option('--export <url>', 'also send the flows to an IPFIX collector: ipfix://HOST:PORT (UDP) or ipfix+tcp://HOST:PORT, options ?mode=uniflow&domain=N; repeatable', (v: string, prev: string[] = []) => [...prev, v])
    .option('--export-timeout <s>', 'give up exporting after this long (a TCP collector that does not answer)', positiveInt, 60)
    .action(async (capture: string | undefined, flags: AnalyzeFlags) => {
      let source: SourceSpec;
      try {
        source = sourceSpec(capture, flags);
      } catch (err) {
        process.stderr.write(`flowprobe: ${(err as Error).message}\n`);
        setExitCode(1);
        return;
      }
      const unusable = source.kind === 'pcap' ? captureFileProblem(source.path) : null;
      if (unusable) {
        process.stderr.write(`flowprobe: ${unusable}\n`);
        setExitCode(2);
        return;
      }
      // The control plane (IPFIX) only with --export: analyzing a file loads the dataplane alone (start-up time).
      const ipfix = flags.export?.length ? await import('@flowprobe/controlplane') : null;
      let targets;
      try {
        targets = ipfix ? flags.export!.map(ipfix.parseIpfixUrl) : [];
      } catch (err) {
        process.stderr.write(`flowprobe: --export: ${(err as Error).message}\n`);
        setExitCode(1);
        return;
      }
      // TCP exporters connect now, while the capture is read.
      const exporters = ipfix ? targets.map((t) => new ipfix.IpfixExporter(t)) : [];
      const { analyzeCapture } = await import('@flowprobe/dataplane');
      let result: AnalyzeResult;
      try {
        result = await analyzeCapture(source, {
          workers: flags.workers,
          idleTimeoutS: flags.idleTimeout,
          dpi: flags.dpi,
          flowCapacity: flags.flowCapacity,
          hostCapacity: flags.hostCapacity,
          localNetworks: flags.localNetworks,
          records: flags.format === 'records' || exporters.length > 0,
          activeTimeoutS: flags.activeTimeout,
          probeId: flags.probeId,
          // ndjson is written from the shared tables as the flows are read out (no record object per flow).
          ...(flags.format === 'ndjson' ? { ndjson: (chunk: Uint8Array) => void process.stdout.write(chunk) } : {}),
        });
      } catch (err) {
        // The capture could not be read at all (bad magic, I/O error): nothing was counted.
        process.stderr.write(`flowprobe: ${(err as Error).message}\n`);
        setExitCode(2);
        await Promise.all(exporters.map((e) => e.close()));
        return;
      }
      if (flags.format === 'records') writeRecords(result.records ?? []);
      else if (flags.format === 'table') writeTable(result.flows);
      const exported = ipfix ? await exportRecords(exporters, result.records ?? [], flags.exportTimeout, new ipfix.IpBytesDeltas()) : [];
      const s = result.stats;
      const summary = {
        packets: s.packets,
        bytes: s.bytes,
        flows: result.flowCount,
        ...(result.records ? { records: result.records.length } : {}),
        hosts: result.hosts,
        decode_errors: s.decode_errors,
        unaccounted_packets: s.workers.reduce((n, w) => n + w.unaccounted_packets, 0),
        workers: s.workers.length,
        elapsed_s: Number(result.elapsedS.toFixed(3)),
        packets_per_s: Math.round(s.packets / result.elapsedS),
        ...(exported.length > 0 ? { ipfix: exported } : {}),
      };
      process.stderr.write(`${JSON.stringify(summary)}\n`);
      if (result.error) {
        process.stderr.write(`flowprobe: ${result.error}\n`);
        setExitCode(2);
      } else if (exported.some((e) => e.records_dropped > 0 || e.queued > 0 || e.records_unsent > 0)) {
        process.stderr.write('flowprobe: some flows could not be exported\n');
        setExitCode(3);
      }
    });
}

/**
 * Why a capture path cannot be analysed, or null. Every worker reads the file
 * by position (software RSS), so a FIFO, socket or device, which can be read
 * only once and in order, is refused at once rather than left hanging.
 */
export function captureFileProblem(path: string): string | null {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    return `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  if (st.isFIFO() || st.isSocket() || st.isCharacterDevice() || st.isBlockDevice()) {
    return `${path} is not a regular file (FIFO, socket or device): capture files are read by position by every worker; save the capture to a file first`;
  }
  if (!st.isFile()) return `${path} is not a file`;
  return null;
}

/** Records handed to the exporters at a time: a file's records wait for the exporters' queues instead of overflowing them. */
const EXPORT_CHUNK = 10_000;

/**
 * Sends the capture's flow records (interim ones at the active timeout, then
 * every flow's final record) to every exporter, a chunk at a time, each chunk
 * once the previous one has left every queue (a capture can hold more flows
 * than a queue holds records), until all are sent or the timeout passes, then
 * closes them.
 */
async function exportRecords(
  exporters: IpfixExporter[],
  records: FlowExportRecord[],
  timeoutS: number,
  deltas: IpBytesDeltas,
): Promise<(IpfixExporterStats & { collector: string; records_unsent: number })[]> {
  if (exporters.length === 0) return [];
  const ipfix = records.map((r) => deltas.toIpfix(r, 1));
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(() => resolve(void (timedOut = true)), timeoutS * 1000)));
  let handed = 0;
  while (handed < ipfix.length && !timedOut) {
    const chunk = ipfix.slice(handed, handed + EXPORT_CHUNK);
    for (const e of exporters) e.export(chunk);
    handed += chunk.length;
    await Promise.race([Promise.all(exporters.map((e) => e.drain())), timeout]);
  }
  clearTimeout(timer);
  const unsent = ipfix.length - handed;
  const out = [];
  for (const e of exporters) {
    const st = e.stats();
    await e.close();
    const t = e.target;
    out.push({ collector: `${t.transport}:${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`, ...st, records_unsent: unsent });
  }
  return out;
}

function sourceSpec(capture: string | undefined, flags: AnalyzeFlags): SourceSpec {
  if (flags.source !== undefined) {
    if (capture !== undefined) throw new InvalidArgumentError('give either a capture file or --source, not both');
    const m = /^dpdk:(.*)$/s.exec(flags.source);
    if (!m) throw new InvalidArgumentError(`unknown source '${flags.source}' (expected dpdk:<EAL args>)`);
    return { kind: 'dpdk', eal: m[1].trim().split(/\s+/).filter(Boolean), port: 0, queues: flags.workers ?? 1 };
  }
  if (capture === undefined) throw new InvalidArgumentError('missing capture file (or --source dpdk:...)');
  return { kind: 'pcap', path: capture };
}

/** Bytes of output gathered before each write: one write per line would cost a system call each, one string for a whole capture's tens of MB a copy of it (and its garbage). */
const WRITE_CHUNK = 1 << 16;

/** Writes each line (newline added) to stdout in chunks of about WRITE_CHUNK characters. */
function writeLines<T>(items: readonly T[], line: (item: T, index: number) => string): void {
  let chunk = '';
  for (let i = 0; i < items.length; i++) {
    chunk += `${line(items[i], i)}\n`;
    if (chunk.length >= WRITE_CHUNK) {
      process.stdout.write(chunk);
      chunk = '';
    }
  }
  if (chunk.length > 0) process.stdout.write(chunk);
}

function writeRecords(records: FlowExportRecord[]): void {
  writeLines(records, (r) => JSON.stringify(r));
}

/** The table, largest flows first (the order of the ndjson output: dataplane's printOrder). */
function writeTable(flows: FlowRecord[]): void {
  const sorted = [...flows].sort((a, b) => b.cli2srv.bytes + b.srv2cli.bytes - (a.cli2srv.bytes + a.srv2cli.bytes));
  writeLines(sorted, (f, i) => tableRow(i + 1, f));
}

function tableRow(n: number, f: FlowRecord): string {
  const ep = (e: { ip: string; port: number }) => (e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`);
  const vlan = f.vlan ? ` [VLAN: ${f.vlan}]` : '';
  const l7 = f.l7 ? ` [${f.l7}]` : '';
  const name = f.server_name ? ` [${f.server_name}]` : '';
  return `${String(n).padStart(6)}  ${f.l4} ${ep(f.client)} <-> ${ep(f.server)}${vlan}${l7} [${f.cli2srv.packets} pkts/${f.cli2srv.bytes} bytes <-> ${f.srv2cli.packets} pkts/${f.srv2cli.bytes} bytes]${name}`;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected an integer >= 0, got '${value}'`);
  return n;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  return n;
}
