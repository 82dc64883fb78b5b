import { analyzeCapture } from '@flowprobe/dataplane';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AlertEngine, EmittedAlert } from '../src/alerts/alert-engine';
import { alertSchemaValidator } from './siem-schema';

/**
 * Golden alert tests: shared nDPI captures through the real dataplane
 * (pcap reader, workers, nDPI) and the alert engine must raise the checks
 * the captures are known for, on the expected flows and hosts.
 */
/** The shared nDPI captures, beside the repository (../shared, see shared/pcaps/README.md). */
const PCAPS = join(__dirname, '../../../shared/pcaps/ndpi');
const validate = alertSchemaValidator();

async function alertsFor(file: string, localNetworks: string[] = []): Promise<EmittedAlert[]> {
  const r = await analyzeCapture({ kind: 'pcap', path: `${PCAPS}/${file}` }, { workers: 1 });
  const emitted: EmittedAlert[] = [];
  const endS = Math.max(...r.flows.map((f) => f.last_seen));
  const startS = Math.min(...r.flows.map((f) => f.first_seen));
  const engine = new AlertEngine(
    { hostname: 'golden', interfaceName: () => file, checkSettings: () => ({}), localNetworks: () => localNetworks, emit: (a) => emitted.push(...a) },
    startS,
  );
  // Whole capture as ended flows, then one host window spanning the capture (packet time).
  engine.checkFlows(r.flows, true, endS);
  engine.checkHosts(endS);
  for (const a of emitted) expect(validate(a.event)).toBe(true);
  return emitted;
}

const byCheck = (alerts: EmittedAlert[], check: string) => alerts.filter((a) => a.event.check === check).map((a) => a.event);

describe('golden alerts on shared captures', () => {
  beforeAll(() => {
    if (!existsSync(`${PCAPS}/ftp.pcap`)) throw new Error(`shared captures missing under ${PCAPS}`);
  });

  it('ftp.pcap: clear-text credentials on the FTP control flow, known protocol on non-standard port on FTP data', async () => {
    const alerts = await alertsFor('ftp.pcap', ['192.168.0.0/16']);
    const cred = byCheck(alerts, 'clear_text_credentials');
    expect(cred).toHaveLength(1);
    expect(cred[0]).toMatchObject({
      entity: { type: 'flow', value: '192.168.1.212:50694 <-> 90.130.70.73:21/TCP' },
      host: '192.168.1.212', severity: 'error', score: 150, status: 'triggered',
      flow: { l7: 'FTP_CONTROL', client: { ip: '192.168.1.212', port: 50694 }, server: { ip: '90.130.70.73', port: 21 } },
    });
    const port = byCheck(alerts, 'known_proto_non_std_port');
    expect(port.map((a) => a.flow!.server.port)).toEqual([25685]);
    expect(byCheck(alerts, 'remote_to_remote')).toHaveLength(0);
    expect(byCheck(alerts, 'syn_scan')).toHaveLength(0);
  });

  it('synscan.pcap: SYN scan engaged for 172.16.0.8, not for the scanned server', async () => {
    const alerts = await alertsFor('synscan.pcap');
    const scan = byCheck(alerts, 'syn_scan');
    expect(scan).toHaveLength(1);
    expect(scan[0]).toMatchObject({ entity: { type: 'host', value: '172.16.0.8' }, host: '172.16.0.8', status: 'engaged', severity: 'error' });
    expect(Number(scan[0].details.unanswered_syn)).toBeGreaterThan(1000);
    expect(Number(scan[0].details.ports)).toBeGreaterThan(900);
    // The scanned server answered (RST / SYN-ACK) but never scanned back.
    expect(scan.some((a) => a.host === '64.13.134.52')).toBe(false);
  });

  it('KakaoTalk_chat.pcap: obsolete TLS on the TLS 1.0 flows', async () => {
    const alerts = await alertsFor('KakaoTalk_chat.pcap');
    const tls = byCheck(alerts, 'obsolete_tls');
    expect(tls.length).toBeGreaterThanOrEqual(5);
    expect(tls.map((a) => `${a.flow!.client.port}->${a.flow!.server.ip}`)).toEqual(
      expect.arrayContaining(['35503->173.252.97.2', '37821->210.103.240.15', '45213->31.13.68.84', '35511->173.252.97.2', '58964->54.255.253.199']),
    );
    expect(tls.every((a) => a.severity === 'error')).toBe(true);
    expect(byCheck(alerts, 'tls_weak_cipher').map((a) => a.flow!.client.port)).toContain(37821);
  });

  it('gnutella.pcap: self-signed and expired certificate on the TLS flow to 80.7.252.192:6888', async () => {
    const alerts = await alertsFor('gnutella.pcap', ['10.0.2.0/24']);
    const flowTo = (a: { flow?: { server: { ip: string; port: number } } }) => `${a.flow!.server.ip}:${a.flow!.server.port}`;
    expect(byCheck(alerts, 'tls_self_signed_cert').map(flowTo)).toContain('80.7.252.192:6888');
    expect(byCheck(alerts, 'tls_cert_expired').map(flowTo)).toContain('80.7.252.192:6888');
  });
});
