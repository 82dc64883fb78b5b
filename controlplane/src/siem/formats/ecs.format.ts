import { AlertEventV1, severityRank } from '../../alerts/alert-event';

/** ECS version the documents follow. */
export const ECS_VERSION = '8.11.0';

/**
 * Renders an alert as an Elastic Common Schema document: `event.*` (kind
 * `alert`), `rule.*` (the check), `source.*`/`destination.*`/`network.*` for
 * flows, `observer.*` (the probe). Fields ECS has no name for live under
 * `flowprobe.alert.*`. `event.severity` is 1 (info) … 6 (emergency).
 */
export function formatEcs(alert: AlertEventV1): Record<string, unknown> {
  const flow = alert.flow;
  const doc: Record<string, unknown> = {
    '@timestamp': alert.time,
    ecs: { version: ECS_VERSION },
    message: alert.description || alert.title,
    event: {
      kind: 'alert',
      category: ['network', 'intrusion_detection'],
      type: alert.status === 'released' ? ['end', 'info'] : alert.status === 'engaged' ? ['start', 'info'] : ['info'],
      id: alert.id,
      code: alert.check,
      action: alert.status,
      severity: severityRank(alert.severity) + 1,
      risk_score: alert.score,
      start: alert.time,
      ...(alert.end_time ? { end: alert.end_time } : {}),
      dataset: 'flowprobe.alerts',
      module: 'flowprobe',
      provider: 'flowprobe',
    },
    rule: { id: alert.check, name: alert.title, category: alert.entity.type, ruleset: 'flowprobe' },
    observer: {
      hostname: alert.observer.hostname,
      product: 'flowprobe',
      vendor: 'flowprobe',
      type: 'sensor',
      version: alert.observer.version,
      ingress: { interface: { name: alert.observer.interface } },
    },
    log: { level: alert.severity },
    flowprobe: {
      alert: {
        status: alert.status,
        severity: alert.severity,
        entity: alert.entity,
        details: alert.details,
        ...(flow ? { risks: flow.risks, flow_key: flow.key } : {}),
      },
    },
  };
  if (flow) {
    doc.source = { ip: flow.client.ip, port: flow.client.port, bytes: flow.cli2srv.bytes, packets: flow.cli2srv.packets };
    doc.destination = {
      ip: flow.server.ip,
      port: flow.server.port,
      bytes: flow.srv2cli.bytes,
      packets: flow.srv2cli.packets,
      ...(flow.server_name ? { domain: flow.server_name } : {}),
    };
    doc.network = {
      transport: flow.l4.toLowerCase(),
      ...(flow.l7 ? { protocol: flow.l7.toLowerCase() } : {}),
      bytes: flow.cli2srv.bytes + flow.srv2cli.bytes,
      packets: flow.cli2srv.packets + flow.srv2cli.packets,
      ...(flow.vlan ? { vlan: { id: String(flow.vlan) } } : {}),
    };
    doc.related = { ip: [flow.client.ip, flow.server.ip], ...(flow.server_name ? { hosts: [flow.server_name] } : {}) };
  } else if (alert.host) {
    doc.source = { ip: alert.host };
    doc.related = { ip: [alert.host] };
  }
  return doc;
}
