import type { AlertEntityType, CheckInfo, CheckParamUnit } from '../../api/alerts.types';
import type { CheckSettings } from './check.types';
import { RISK_CHECKS } from './flow-risk.check';

/** Human name and one-line description of the checks that are not nDPI risk families. */
const CATALOG: Record<string, { title: string; description: string }> = {
  unidirectional_flow: { title: 'Unidirectional flow', description: 'A TCP or UDP flow ended with packets one way only: a server that never answered.' },
  long_lived_flow: { title: 'Long-lived flow', description: 'A flow has lasted longer than the limit (tunnels, forgotten sessions, exfiltration).' },
  elephant_flow: { title: 'Elephant flow', description: 'A single flow has moved more bytes than the limit.' },
  remote_to_remote: { title: 'Remote-to-remote flow', description: 'Neither end is in the local networks: traffic that should not cross this probe.' },
  syn_scan: { title: 'SYN scan', description: 'A host sends many TCP SYNs that are never answered, to many ports: a port scan.' },
  flow_flood: { title: 'Flow flood', description: 'A host starts more flows per minute than the limit.' },
  dns_flood: { title: 'DNS flood', description: 'A host sends more DNS requests per minute than the limit.' },
  host_score: { title: 'Host score above threshold', description: 'The sum of the scores of a host\u2019s flows exceeds the limit.' },
  packet_drops: { title: 'Packet drops', description: 'An interface drops (NIC and software) more than the given share of the packets offered.' },
  no_traffic: { title: 'No traffic', description: 'A running capture interface has seen no packet for longer than the limit.' },
  flow_table_full: { title: 'Flow table full', description: 'A flow table is full: new flows are not tracked until entries expire.' },
  host_table_full: { title: 'Host table full', description: 'A host table is full: new hosts are not tracked until entries expire.' },
  worker_crash: { title: 'Capture worker crashed', description: 'A capture worker thread crashed: restarted with backoff (its in-flight packets lost), or the interface stopped after too many crashes.' },
};

/** What a setting key measures, from its suffix (`min_bytes`, `min_duration_s`, `min_drop_pct`, `min_syn_per_min`...). */
export function paramUnit(key: string): CheckParamUnit {
  if (key === 'score' || key === 'min_score') return 'score';
  if (key.endsWith('_bytes')) return 'bytes';
  if (key.endsWith('_s')) return 'seconds';
  if (key.endsWith('_pct')) return 'percent';
  if (key.endsWith('_per_min')) return 'per_minute';
  return 'count';
}

/** "min_duration_s" -> "Minimum duration"; "score" -> "Alert score". */
function paramLabel(key: string): string {
  if (key === 'score') return 'Alert score';
  const words = key.replace(/_(s|bytes|pct|per_min)$/, (m) => (m === '_bytes' ? '_size' : m === '_per_min' ? '_per_minute' : '')).replace(/^min_/, 'minimum_').replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A check as the Checks page shows it. */
export function checkInfo(id: string, entity: AlertEntityType, defaults: CheckSettings): CheckInfo {
  const risk = RISK_CHECKS.find((r) => r.id === id);
  const known = risk
    ? { title: risk.title, description: `nDPI flagged the flow with the risk "${risk.title}".` }
    : (CATALOG[id] ?? { title: id, description: '' });
  const params: CheckInfo['params'] = {};
  for (const key of Object.keys(defaults)) if (key !== 'enabled') params[key] = { label: paramLabel(key), unit: paramUnit(key) };
  return { id, entity, ...known, params };
}
