import { execFile } from 'node:child_process';
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

  it('rejects bad arguments with a reason and a non-zero exit', async () => {
    const badWorkers = await flowprobe('analyze', path.join(PCAPS, 'dns.pcap'), '--workers', '0');
    expect(badWorkers.code).not.toBe(0);
    expect(badWorkers.stderr).toMatch(/positive integer/);
    const badFormat = await flowprobe('analyze', path.join(PCAPS, 'dns.pcap'), '--format', 'xml');
    expect(badFormat.code).not.toBe(0);
    expect(badFormat.stderr).toMatch(/ndjson, table/);
    const missing = await flowprobe('analyze', '/nonexistent/capture.pcap');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/capture\.pcap/);
  });
});
