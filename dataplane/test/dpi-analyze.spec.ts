import * as path from 'node:path';
import { analyzeCapture } from '../src';
import { Dataplane } from '../src/dataplane';
import { PCAP_DIR } from './ndpi-expected';

/**
 * DPI through the product path: capture workers with their DpiEngine, the flow
 * table as FlowDpiSink, names on the main thread, `flowprobe analyze` records
 * and per-host bytes per application.
 */
describe('DPI in the dataplane (analyze)', () => {
  it('fills l7, server_name, category, breed, risks and info in flow records', async () => {
    const r = await analyzeCapture({ kind: 'pcap', path: path.join(PCAP_DIR, 'http.pcapng') }, { workers: 2, dpi: true });
    expect(r.flows).toHaveLength(1);
    expect(r.flows[0]).toMatchObject({
      l7: 'HTTP.Google',
      server_name: 'google.com',
      category: 'Web',
      breed: 'Acceptable',
      risks: [],
      info: { url: 'google.com/', status: 301, content_type: 'text/html', user_agent: 'curl/7.68.0' },
    });
  });

  it('reports nDPI risks by name and TLS metadata', async () => {
    const r = await analyzeCapture({ kind: 'pcap', path: path.join(PCAP_DIR, '443-git.pcap') }, { workers: 1, dpi: true });
    expect(r.flows[0]).toMatchObject({ l7: 'TLS.Github', server_name: 'github.com', category: 'Collaborative' });
    expect(r.flows[0].info).toMatchObject({ tls_version: 'TLSv1.2', ja3c: '2a26b1a62e40d25d4de3babc9d532f30', alpn: 'http/1.1' });
    const quic = await analyzeCapture({ kind: 'pcap', path: path.join(PCAP_DIR, 'quic.pcap') }, { workers: 1, dpi: true });
    const odd = quic.flows.find((f) => f.server.port === 40134 || f.client.port === 40134);
    expect(odd?.risks).toEqual(expect.arrayContaining(['Known Protocol on Non Standard Port']));
  });

  it('leaves l7 empty with DPI off', async () => {
    const r = await analyzeCapture({ kind: 'pcap', path: path.join(PCAP_DIR, 'http.pcapng') }, { workers: 1, dpi: false });
    expect(r.flows[0]).toMatchObject({ l7: '', server_name: '', category: '', breed: '' });
  });

  it('counts bytes per application per host', async () => {
    const dp = await Dataplane.start({ source: { kind: 'pcap', path: path.join(PCAP_DIR, 'quic.pcap') }, workers: 2, dpi: true });
    try {
      await dp.whenFinished();
      const host = dp.getHost('192.168.1.105');
      expect(host).toBeDefined();
      const apps = new Map(host!.applications.map((a) => [a.name, a.bytes]));
      const flows = dp.allFlows().filter((f) => f.client.ip === '192.168.1.105' || f.server.ip === '192.168.1.105');
      const youtube = flows.filter((f) => f.l7.endsWith('YouTube')).reduce((s, f) => s + f.cli2srv.bytes + f.srv2cli.bytes, 0);
      expect(youtube).toBeGreaterThan(0);
      expect(apps.get('YouTube')).toBe(youtube);
      const total = host!.applications.reduce((s, a) => s + a.bytes, 0);
      expect(total).toBe(host!.bytes.total);
    } finally {
      await dp.stop();
    }
  });
});
