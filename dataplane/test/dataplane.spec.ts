import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeCapture, FlowRecord } from '../src';
import { Dataplane } from '../src/dataplane';
import { PCAP_DIR, readExpectedFlows } from './ndpi-expected';

/** The Dataplane API the control plane uses, over real workers and real captures. */
const capture = (name: string) => path.join(PCAP_DIR, name);
const total = (f: FlowRecord) => f.cli2srv.bytes + f.srv2cli.bytes;

describe('Dataplane', () => {
  it('queries flows sorted, filtered and paged over the shards, like a sort of every flow', async () => {
    const dp = await Dataplane.start({ source: { kind: 'pcap', path: capture('1kxun.pcap') }, workers: 2, idleTimeoutS: 0 });
    try {
      await dp.whenFinished();
      const all = dp.allFlows().sort((a, b) => total(b) - total(a));
      expect(all.length).toBe(readExpectedFlows('1kxun.pcap').length);

      const page = dp.queryFlows({ sort: 'bytes', order: 'desc', limit: 10, offset: 5 });
      expect(page.total).toBe(all.length);
      expect(page.data.map(total)).toEqual(all.slice(5, 15).map(total));

      const asc = dp.queryFlows({ sort: 'packets', order: 'asc', limit: 3 });
      const minPackets = Math.min(...all.map((f) => f.cli2srv.packets + f.srv2cli.packets));
      expect(asc.data[0].cli2srv.packets + asc.data[0].srv2cli.packets).toBe(minPackets);

      const host = all[0].client.ip;
      const byHost = dp.queryFlows({ host, limit: 1000 });
      expect(byHost.total).toBe(all.filter((f) => f.client.ip === host || f.server.ip === host).length);
      expect(byHost.data.every((f) => f.client.ip === host || f.server.ip === host)).toBe(true);

      const udp = dp.queryFlows({ l4: 'udp', limit: 1000 });
      expect(udp.total).toBe(all.filter((f) => f.l4 === 'UDP').length);
      const port80 = dp.queryFlows({ port: 80, limit: 1000 });
      expect(port80.total).toBe(all.filter((f) => f.client.port === 80 || f.server.port === 80).length);
      const http = dp.queryFlows({ l7: 'HTTP', limit: 1000 });
      expect(http.total).toBeGreaterThan(0);
      expect(http.data.every((f) => f.l7.split('.').includes('HTTP'))).toBe(true);

      expect(() => dp.queryFlows({ host: 'not-an-ip' })).toThrow(/not an IP address/);
      expect(() => dp.queryFlows({ l4: 'bogus' })).toThrow(/unknown L4/);
    } finally {
      await dp.stop();
    }
  });

  it('merges hosts over shards, with the bytes of their flows', async () => {
    const dp = await Dataplane.start({ source: { kind: 'pcap', path: capture('whatsapp_login_call.pcap') }, workers: 2, localNetworks: ['192.168.0.0/16'] });
    try {
      await dp.whenFinished();
      const flows = dp.allFlows();
      const hosts = dp.queryHosts({ limit: 1000 });
      const ips = new Set(flows.flatMap((f) => [`${f.client.ip}|${f.vlan}`, `${f.server.ip}|${f.vlan}`]));
      expect(hosts.total).toBe(ips.size);
      expect(dp.stats().num_hosts).toBe(ips.size);
      const top = hosts.data[0];
      const sent = flows.reduce((n, f) => n + (f.client.ip === top.ip ? f.cli2srv.bytes : 0) + (f.server.ip === top.ip ? f.srv2cli.bytes : 0), 0);
      expect(top.bytes.sent).toBe(sent);
      expect(top.bytes.total).toBe(top.bytes.sent + top.bytes.rcvd);
      expect(hosts.data.map((h) => h.bytes.total)).toEqual([...hosts.data.map((h) => h.bytes.total)].sort((a, b) => b - a));
      const detail = dp.getHost(top.ip);
      expect(detail?.bytes).toEqual(top.bytes);
      expect(detail?.applications.length).toBeGreaterThan(0);
      const local = dp.queryHosts({ local: true, limit: 1000 });
      expect(local.total).toBeGreaterThan(0);
      expect(local.data.every((h) => h.ip.startsWith('192.168.') && h.is_local)).toBe(true);
      expect(dp.getHost('10.99.99.99')).toBeUndefined();

      // Upload = local -> remote bytes, download = remote -> local, from the flows' own counters.
      const isLocal = (ip: string) => ip.startsWith('192.168.');
      let up = 0;
      let down = 0;
      for (const f of flows) {
        const c = isLocal(f.client.ip);
        const sv = isLocal(f.server.ip);
        if (c && !sv) (up += f.cli2srv.bytes), (down += f.srv2cli.bytes);
        if (!c && sv) (up += f.srv2cli.bytes), (down += f.cli2srv.bytes);
      }
      const st = dp.stats();
      expect(st.bytes_upload).toBe(up);
      expect(st.bytes_download).toBe(down);
      expect(up).toBeGreaterThan(0);
      expect(down).toBeGreaterThan(0);
    } finally {
      await dp.stop();
    }
  });

  it('expires idle flows during a capture and hands them over exactly once', async () => {
    // 1kxun.pcap is a merge of captures years apart: with a 60 s idle timeout flows end during the read.
    const r = await analyzeCapture({ kind: 'pcap', path: capture('1kxun.pcap') }, { workers: 2, idleTimeoutS: 60 });
    const noExpiry = await analyzeCapture({ kind: 'pcap', path: capture('1kxun.pcap') }, { workers: 2 });
    const packets = (fs: FlowRecord[]) => fs.reduce((n, f) => n + f.cli2srv.packets + f.srv2cli.packets, 0);
    expect(packets(r.flows)).toBe(packets(noExpiry.flows));
    expect(r.flows.filter((f) => f.state === 'idle').length).toBeGreaterThan(0);
    expect(r.flows.length).toBeGreaterThanOrEqual(noExpiry.flows.length);
    expect(new Set(r.flows.map((f) => f.key)).size).toBe(r.flows.length);
  });

  it('replays a capture in a loop until stopped, keeping the same flows', async () => {
    const dp = await Dataplane.start({ source: { kind: 'pcap', path: capture('http.pcapng'), loop: true, speed: 'max' }, workers: 2 });
    try {
      while (dp.stats().packets < 40) await new Promise((r) => setTimeout(r, 10));
    } finally {
      await dp.stop();
    }
    const s = dp.stats();
    expect(s.running).toBe(false);
    const flows = dp.allFlows();
    expect(flows.length).toBe(1);
    expect(flows[0].cli2srv.packets + flows[0].srv2cli.packets).toBe(s.packets);
  });

  it('reports a corrupt capture with its offset after counting what came before', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-dp-'));
    try {
      const src = fs.readFileSync(capture('443-git.pcap'));
      const cut = path.join(dir, 'cut.pcap');
      fs.writeFileSync(cut, src.subarray(0, src.length - 10));
      const r = await analyzeCapture({ kind: 'pcap', path: cut }, { workers: 2 });
      expect(r.error).toMatch(/offset \d+/);
      expect(r.stats.packets).toBe(69); // the 70th record is cut
      await expect(Dataplane.start({ source: { kind: 'pcap', path: path.join(dir, 'missing.pcap') }, workers: 1 })).rejects.toThrow(/missing\.pcap/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
