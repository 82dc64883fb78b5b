import { execFile, execFileSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

/** `flowprobe analyze` as a user runs it: the built command in a child process. */
const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../bin/flowprobe.js');
const PCAPS = path.resolve(__dirname, '../../../shared/pcaps/ndpi');

async function flowprobe(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('flowprobe analyze', () => {
  it('prints one JSON object per flow with the documented fields, and a summary on stderr', async () => {
    const r = await flowprobe('analyze', path.join(PCAPS, 'http.pcapng'), '--workers', '2', '--format', 'ndjson');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const flow = JSON.parse(lines[0]);
    expect(Object.keys(flow).slice(0, 10)).toEqual(['l4', 'vlan', 'client', 'server', 'cli2srv', 'srv2cli', 'first_seen', 'last_seen', 'l7', 'server_name']);
    expect(flow).toMatchObject({
      l4: 'TCP',
      vlan: 0,
      client: { ip: '192.168.1.128', port: 42170 },
      server: { ip: '216.58.208.142', port: 80 },
      cli2srv: { packets: 6, bytes: 478 },
      srv2cli: { packets: 4, bytes: 800 },
      l7: 'HTTP.Google',
      server_name: 'google.com',
    });
    const summary = JSON.parse(r.stderr.trim().split('\n').pop()!);
    expect(summary).toMatchObject({ packets: 10, bytes: 1278, flows: 1, hosts: 2, workers: 2 });
    expect(summary.packets_per_s).toBeGreaterThan(0);
  });

  it('prints a table, largest flows first', async () => {
    const r = await flowprobe('analyze', path.join(PCAPS, 'dns.pcap'), '--format', 'table', '--no-dpi');
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^\s+1 {2}UDP .* <-> .*\[\d+ pkts\/\d+ bytes <-> \d+ pkts\/\d+ bytes\]/);
    expect(rows.some((row) => row.includes('[VLAN: '))).toBe(true);
  });

  it('sizes the tables per worker with --flow-capacity and --host-capacity', async () => {
    const file = path.join(PCAPS, '1kxun.pcap');
    const all = await flowprobe('analyze', file, '--workers', '1', '--no-dpi');
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stderr.trim().split('\n').pop()!)).toMatchObject({ packets: 1723, flows: 197, hosts: 100, unaccounted_packets: 0 });
    // A full host table keeps its 64 hosts and still accounts every flow; a full flow table leaves packets unaccounted.
    const small = await flowprobe('analyze', file, '--workers', '1', '--no-dpi', '--host-capacity', '64');
    expect(JSON.parse(small.stderr.trim().split('\n').pop()!)).toMatchObject({ packets: 1723, flows: 197, hosts: 64, unaccounted_packets: 0 });
    const fewFlows = await flowprobe('analyze', file, '--workers', '1', '--no-dpi', '--flow-capacity', '64');
    const summary = JSON.parse(fewFlows.stderr.trim().split('\n').pop()!);
    expect(summary).toMatchObject({ packets: 1723, flows: 64 });
    expect(summary.unaccounted_packets).toBeGreaterThan(0);
    expect((await flowprobe('analyze', file, '--host-capacity', '0')).code).toBe(1);
  });

  it('exits 1 on usage errors, with the reason on stderr', async () => {
    const badWorkers = await flowprobe('analyze', path.join(PCAPS, 'dns.pcap'), '--workers', '0');
    expect(badWorkers.code).toBe(1);
    expect(badWorkers.stderr).toMatch(/positive integer/);
    const badFormat = await flowprobe('analyze', path.join(PCAPS, 'dns.pcap'), '--format', 'xml');
    expect(badFormat.code).toBe(1);
    expect(badFormat.stderr).toMatch(/ndjson, table/);
    const noCapture = await flowprobe('analyze');
    expect(noCapture.code).toBe(1);
    expect(noCapture.stderr).toMatch(/missing capture file/);
  });

  it('loads the dataplane only: no control plane, NestJS, TypeORM, zod, SQLite or Redis client (start-up time)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-modules-'));
    try {
      // Preloaded into the command's process: writes every module it loaded when it exits.
      const list = path.join(dir, 'modules.json');
      const preload = path.join(dir, 'list-modules.js');
      fs.writeFileSync(preload, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(list)}, JSON.stringify(Object.keys(require.cache))));\n`);
      await run(process.execPath, ['-r', preload, BIN, 'analyze', path.join(PCAPS, 'http.pcapng'), '--workers', '2']);
      const modules = JSON.parse(fs.readFileSync(list, 'utf8')) as string[];
      expect(modules.some((m) => m.includes(`${path.sep}dataplane${path.sep}dist${path.sep}`))).toBe(true);
      const heavy = modules.filter((m) => /[\\/](controlplane|portal)[\\/]|@nestjs|typeorm|[\\/]zod[\\/]|sqlite3|ioredis|express|@duckdb|@clickhouse/.test(m));
      expect(heavy).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('unreadable, corrupt and non-seekable captures', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-analyze-'));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('exits 2 for a missing, unreadable or non-file capture, with the reason on stderr', async () => {
      const missing = await flowprobe('analyze', '/nonexistent/capture.pcap');
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/capture\.pcap.*ENOENT/);
      const folder = await flowprobe('analyze', dir);
      expect(folder.code).toBe(2);
      expect(folder.stderr).toMatch(/not a file/);
    });

    it('exits 2 for a corrupt capture (bad magic, truncated record), with the reason on stderr', async () => {
      const junk = path.join(dir, 'junk.pcap');
      fs.writeFileSync(junk, Buffer.from('this is not a capture file at all, just text'));
      const bad = await flowprobe('analyze', junk);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/magic number/);
      const truncated = path.join(dir, 'truncated.pcap');
      const whole = fs.readFileSync(path.join(PCAPS, 'dns.pcap'));
      fs.writeFileSync(truncated, whole.subarray(0, whole.length - 7));
      const cut = await flowprobe('analyze', truncated, '--no-dpi');
      expect(cut.code).toBe(2);
      expect(cut.stderr).toMatch(/offset/);
    });

    it('refuses a FIFO at once (exit 2) instead of waiting on it', async () => {
      const fifo = path.join(dir, 'capture.fifo');
      execFileSync('mkfifo', [fifo]);
      const started = Date.now();
      const r = await flowprobe('analyze', fifo);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/not a regular file/);
      // "At once": nobody writes to the FIFO, so anything that tried to read it would still be waiting.
      expect(Date.now() - started).toBeLessThan(30_000);
    });
  });
});


/** A classic pcap of `flows` one-packet UDP flows (10.x.y.z:1024+ -> 192.0.2.1:53), written to `file`. */
function writeManyFlowsCapture(file: string, flows: number): void {
  const frame = 14 + 20 + 8 + 4;
  const buf = Buffer.alloc(24 + flows * (16 + frame));
  buf.writeUInt32LE(0xa1b2c3d4, 0);
  buf.writeUInt16LE(2, 4);
  buf.writeUInt16LE(4, 6);
  buf.writeUInt32LE(65535, 16);
  buf.writeUInt32LE(1, 20); // Ethernet
  for (let i = 0, at = 24; i < flows; i++, at += 16 + frame) {
    buf.writeUInt32LE(1_700_000_000 + Math.floor(i / 1000), at);
    buf.writeUInt32LE(frame, at + 8);
    buf.writeUInt32LE(frame, at + 12);
    const f = at + 16;
    buf.writeUInt16BE(0x0800, f + 12);
    buf.writeUInt8(0x45, f + 14);
    buf.writeUInt16BE(20 + 8 + 4, f + 16);
    buf.writeUInt8(64, f + 22);
    buf.writeUInt8(17, f + 23);
    buf.writeUInt32BE((10 << 24) | (i >>> 6), f + 26);
    buf.writeUInt32BE(0xc0000201, f + 30);
    buf.writeUInt16BE(1024 + (i & 63), f + 34);
    buf.writeUInt16BE(53, f + 36);
    buf.writeUInt16BE(8 + 4, f + 38);
  }
  fs.writeFileSync(file, buf);
}

describe('flowprobe analyze --export on a capture with many flows', () => {
  it('exports every one of 200 000 flows (more than one push(...) call or one exporter queue holds) with none dropped', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-many-flows-'));
    const sink = createSocket('udp4');
    let datagrams = 0;
    sink.on('message', () => datagrams++);
    try {
      const file = path.join(dir, 'many.pcap');
      writeManyFlowsCapture(file, 200_000);
      await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
      const port = sink.address().port;
      const child = spawn(process.execPath, [BIN, 'analyze', file, '--no-dpi', '--workers', '1', '--flow-capacity', '262144', '--export', `ipfix://127.0.0.1:${port}`], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
      const summary = JSON.parse(stderr.trim().split('\n').pop()!);
      expect(summary).toMatchObject({ flows: 200_000, records: 200_000 });
      expect(summary.ipfix[0]).toMatchObject({ records_in: 200_000, records_sent: 200_000, records_dropped: 0, records_unsent: 0, queued: 0 });
      expect(datagrams).toBeGreaterThan(0);
    } finally {
      sink.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
