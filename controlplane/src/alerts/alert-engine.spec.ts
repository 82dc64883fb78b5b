import type { FlowRecord, InterfaceStats } from '@flowprobe/dataplane';
import { AlertEngine, EmittedAlert } from './alert-engine';
import { CheckSettings } from './checks/check.types';

function flow(over: Partial<FlowRecord> = {}): FlowRecord {
  return {
    key: '0:1:1', l4: 'TCP', vlan: 0, client: { ip: '10.0.0.1', port: 40000 }, server: { ip: '10.0.0.2', port: 80 },
    cli2srv: { packets: 5, bytes: 500 }, srv2cli: { packets: 5, bytes: 5000 }, first_seen: 1000, last_seen: 1010, duration: 10,
    thpt: { bps: 0, pps: 0 }, l7: 'HTTP', server_name: '', category: 'Web', breed: 'Acceptable', risks: [], score: 0,
    tcp_flags: { cli2srv: 0x1a, srv2cli: 0x1a }, retransmissions: { cli2srv: 0, srv2cli: 0 }, out_of_order: { cli2srv: 0, srv2cli: 0 },
    first_from_server: false, ip_bytes: { cli2srv: 430, srv2cli: 4930 }, state: 'active', ...over,
  };
}

function iface(over: Partial<InterfaceStats> = {}): InterfaceStats {
  return {
    id: 0, name: 'eth0', source: 'pcap:x', packets: 0, bytes: 0, drops: 0, num_flows: 0, num_hosts: 0, thpt: { bps: 0, pps: 0, upload_bps: 0, download_bps: 0 }, bytes_upload: 0, bytes_download: 0,
    decode_errors: {}, running: true, worker_restarts: 0, workers_down: [],
    workers: [{ worker: 0, packets: 0, bytes: 0, num_flows: 0, num_hosts: 0, flow_table_full: false, host_table_full: false, flow_capacity: 1024, host_capacity: 1024, unaccounted_packets: 0, restarts: 0, down: false, lost_packets: 0 }],
    ...over,
  };
}

function engine(settings: Record<string, CheckSettings> = {}, local: string[] = ['10.0.0.0/8'], flowAlertsPerMinute?: number) {
  const emitted: EmittedAlert[] = [];
  const e = new AlertEngine({ hostname: 'h', interfaceName: () => 'eth0', checkSettings: () => settings, localNetworks: () => local, emit: (a) => emitted.push(...a), flowAlertsPerMinute }, 0);
  return { e, emitted };
}

describe('AlertEngine', () => {
  it('raises a flow risk alert once per flow: at detection on the active flow, not again at flow end', () => {
    const { e, emitted } = engine();
    const f = flow({ risks: ['Unsafe Protocol', 'Clear-Text Credentials'] });
    e.checkFlows([f], false, 1005);
    expect(emitted.map((a) => [a.event.check, a.event.status, a.event.severity, a.event.end_time])).toEqual([
      ['clear_text_credentials', 'triggered', 'error', null], ['unsafe_protocol', 'triggered', 'notice', null],
    ]);
    e.checkFlows([f], false, 1006);
    e.checkFlows([{ ...f, state: 'idle' }], true, 1100);
    expect(emitted).toHaveLength(2);
  });

  it('judges unidirectional only at flow end, and skips broadcast', () => {
    const { e, emitted } = engine();
    const one = flow({ srv2cli: { packets: 0, bytes: 0 } });
    e.checkFlows([one], false, 1);
    expect(emitted).toHaveLength(0);
    e.checkFlows([one, flow({ key: '0:2:1', server: { ip: '10.255.255.255', port: 137 }, srv2cli: { packets: 0, bytes: 0 } })], true, 2);
    expect(emitted.map((a) => a.event.check)).toEqual(['unidirectional_flow']);
    expect(emitted[0].event.end_time).not.toBeNull();
  });

  it('honours settings: disabled checks, tuned thresholds and scores', () => {
    const { e, emitted } = engine({ unidirectional_flow: { enabled: false }, elephant_flow: { enabled: true, min_bytes: 1000, score: 60 } });
    e.checkFlows([flow({ srv2cli: { packets: 0, bytes: 0 }, cli2srv: { packets: 9, bytes: 2000 } })], true, 2);
    expect(emitted.map((a) => [a.event.check, a.event.score, a.event.severity])).toEqual([['elephant_flow', 60, 'warning']]);
  });

  it('remote-to-remote only when neither end is local', () => {
    const { e, emitted } = engine({}, ['192.168.0.0/16']);
    e.checkFlows([flow(), flow({ key: '0:3:1', client: { ip: '192.168.1.1', port: 1 } })], true, 2);
    expect(emitted.filter((a) => a.event.check === 'remote_to_remote').map((a) => a.event.flow!.client.ip)).toEqual(['10.0.0.1']);
  });

  it('local networks: prefix boundaries, host routes, IPv6', () => {
    const { e, emitted } = engine({}, ['172.16.0.0/12', '203.0.113.7/32', '2001:db8::/32']);
    const r2r = (client: string, server: string, i: number) => flow({ key: `0:${i}:1`, client: { ip: client, port: 1 }, server: { ip: server, port: 80 } });
    e.checkFlows([
      r2r('172.31.255.1', '8.8.8.8', 1), r2r('172.32.0.1', '8.8.8.8', 2), r2r('172.15.255.255', '8.8.8.8', 3), r2r('8.8.4.4', '203.0.113.7', 4),
      r2r('8.8.4.4', '203.0.113.8', 5), r2r('2001:db8::1', '2001:4860::8888', 6), r2r('2001:db9::1', '2001:4860::8888', 7),
    ], true, 2);
    expect(emitted.filter((a) => a.event.check === 'remote_to_remote').map((a) => a.event.flow!.key)).toEqual(['0:2:1', '0:3:1', '0:5:1', '0:7:1']);
  });

  it('engages a host alert while the condition holds and releases it after a quiet window', () => {
    const { e, emitted } = engine();
    const scan = (n: number, base: number) =>
      Array.from({ length: n }, (_, i) => flow({ key: `0:${base + i}:1`, server: { ip: '10.0.0.9', port: i + 1 }, tcp_flags: { cli2srv: 0x02, srv2cli: 0x14 }, srv2cli: { packets: 1, bytes: 60 }, cli2srv: { packets: 1, bytes: 60 } }));
    e.checkFlows(scan(150, 0), false, 30);
    e.checkHosts(60);
    expect(emitted.filter((a) => a.event.check === 'syn_scan').map((a) => a.event.status)).toEqual(['engaged']);
    expect(e.engagedAlerts()).toHaveLength(1);
    const id = e.engagedAlerts()[0].event.id;
    e.checkFlows(scan(150, 1000), false, 90);
    e.checkHosts(120);
    expect(emitted.filter((a) => a.event.check === 'syn_scan')).toHaveLength(1);
    e.checkHosts(180);
    const released = emitted.filter((a) => a.event.check === 'syn_scan');
    expect(released.map((a) => a.event.status)).toEqual(['engaged', 'released']);
    expect(released[1].event.id).toBe(id);
    expect(released[1].event.end_time).toBe(new Date(180_000).toISOString());
    expect(e.engagedAlerts()).toHaveLength(0);
  });

  it('interface checks: drops above the limit, silence, full tables; released when over', () => {
    const { e, emitted } = engine({ no_traffic: { enabled: true, min_silence_s: 60 } });
    e.checkInterfaces([iface({ packets: 1000, drops: 0 })], 0);
    e.checkInterfaces([iface({ packets: 2000, drops: 100 })], 60);
    expect(emitted.map((a) => [a.event.check, a.event.status])).toEqual([['packet_drops', 'engaged']]);
    e.checkInterfaces([iface({ packets: 2000, drops: 100, workers: [{ ...iface().workers[0], flow_table_full: true }] })], 130);
    expect(emitted.map((a) => [a.event.check, a.event.status])).toEqual([
      ['packet_drops', 'engaged'], ['no_traffic', 'engaged'], ['flow_table_full', 'engaged'], ['packet_drops', 'released'],
    ]);
    expect(emitted[2].event.severity).toBe('critical');
  });

  it('worker crash: engaged while a worker is down or was restarted since the last pass, released after a quiet pass', () => {
    const { e, emitted } = engine({ no_traffic: { enabled: false } });
    const crash = { worker: 1, reason: 'Invalid CIDR', at: '2026-12-07T13:00:00.000Z' };
    e.checkInterfaces([iface({ packets: 1000 })], 0);
    // Crashed and already restarted between two passes: still raised.
    e.checkInterfaces([iface({ packets: 2000, worker_restarts: 1, last_worker_crash: crash })], 60);
    expect(emitted.map((a) => [a.event.check, a.event.status])).toEqual([['worker_crash', 'engaged']]);
    expect(emitted[0].event.description).toMatch(/eth0: 1 worker restart\(s\) in 60 s, restarted; last crash: worker 1 at 2026-12-07T13:00:00.000Z: Invalid CIDR/);
    expect(emitted[0].event.details).toMatchObject({ restarts: 1, total_restarts: 1, last_worker: 1 });
    // Down for good (past the bound): held without a new message, then released once the worker is back.
    e.checkInterfaces([iface({ packets: 3000, worker_restarts: 1, workers_down: [1], error: 'worker 1 crashed 6 times', last_worker_crash: crash })], 120);
    expect(emitted).toHaveLength(1);
    e.checkInterfaces([iface({ packets: 4000, worker_restarts: 1, last_worker_crash: crash })], 180);
    expect(emitted.map((a) => [a.event.check, a.event.status])).toEqual([['worker_crash', 'engaged'], ['worker_crash', 'released']]);
  });

  it('worker crash before the first pass: reported at the second', () => {
    const { e, emitted } = engine({ no_traffic: { enabled: false } });
    const crash = { worker: 0, reason: 'boom', at: '2026-12-07T13:00:00.000Z' };
    e.checkInterfaces([iface({ packets: 1000, worker_restarts: 1, last_worker_crash: crash })], 0);
    e.checkInterfaces([iface({ packets: 2000, worker_restarts: 1, last_worker_crash: crash })], 60);
    expect(emitted.map((a) => [a.event.check, a.event.status])).toEqual([['worker_crash', 'engaged']]);
  });

  it('alert storms: past the per-minute limit of an interface and check, flow alerts are counted and summarised once the minute ends', () => {
    const { e, emitted } = engine({}, ['192.168.0.0/16'], 5);
    // 40 churning remote-to-remote flows (neither end local), ended, in two calls within the minute.
    const remote = (i: number) => flow({ key: `0:${i}:1`, client: { ip: `10.1.0.${i}`, port: 40000 + i } });
    e.checkFlows(Array.from({ length: 25 }, (_, i) => remote(i)), true, 100);
    e.checkFlows(Array.from({ length: 15 }, (_, i) => remote(25 + i)), true, 130);
    const r2r = () => emitted.filter((a) => a.event.check === 'remote_to_remote');
    expect(r2r().map((a) => a.event.entity.type)).toEqual(['flow', 'flow', 'flow', 'flow', 'flow']);
    expect(e.suppressedFlowAlerts().get('remote_to_remote')).toBe(35);
    // Another check has its own budget.
    e.checkFlows([flow({ key: '0:99:1', client: { ip: '192.168.1.1', port: 1 }, srv2cli: { packets: 0, bytes: 0 } })], true, 131);
    expect(emitted.filter((a) => a.event.check === 'unidirectional_flow')).toHaveLength(1);
    // The minute ends (the minute pass): one summary for the interface, with the count.
    e.checkHosts(161);
    const summary = r2r().slice(5);
    expect(summary).toHaveLength(1);
    expect(summary[0].event.entity).toEqual({ type: 'interface', value: 'eth0' });
    expect(summary[0].event.status).toBe('triggered');
    expect(summary[0].event.details).toMatchObject({ suppressed: 35, raised: 5, limit_per_minute: 5 });
    expect(summary[0].event.title).toContain('35 more flow alerts suppressed');
    expect(summary[0].event.end_time).toBe(new Date(160_000).toISOString());
    // A new minute: alerts are raised again; the window that suppressed nothing leaves no summary.
    e.checkFlows([remote(50)], true, 170);
    expect(r2r().slice(6).map((a) => a.event.entity.type)).toEqual(['flow']);
    e.checkHosts(240);
    expect(r2r()).toHaveLength(7);
  });

  it('alert storms: an active flow whose alert was suppressed is not counted again when checked again', () => {
    const { e } = engine({}, ['192.168.0.0/16'], 1);
    const flows = [flow({ key: '0:1:1' }), flow({ key: '0:2:1', client: { ip: '10.9.9.9', port: 2 } })];
    e.checkFlows(flows, false, 10);
    e.checkFlows(flows, false, 15);
    expect(e.suppressedFlowAlerts().get('remote_to_remote')).toBe(1);
  });
});
