import type { FlowRecord } from '@flowprobe/dataplane';
import { CheckFinding, CheckSettings, FlowCheck, flowLabel, num } from './check.types';

/**
 * nDPI flow risks mapped to alerts. `match` covers both nDPI 4.2's names
 * (Debian's libndpi4.2: "Known Protocol on Non Standard Port") and the short
 * names of later releases ("Known Proto on Non Std Port"). Scores follow
 * nDPI's risk severities (low 10, medium 50, high 100, severe 150, critical
 * 200, emergency 250); each is a setting.
 */
export const RISK_CHECKS: { id: string; match: RegExp; score: number; title: string }[] = [
  { id: 'clear_text_credentials', match: /clear-?text credentials/i, score: 150, title: 'Clear-text credentials' },
  { id: 'known_proto_non_std_port', match: /known proto(col)? on non st(andar)?d port/i, score: 50, title: 'Known protocol on non-standard port' },
  { id: 'obsolete_tls', match: /obsolete tls/i, score: 100, title: 'Obsolete TLS version (1.1 or older)' },
  { id: 'tls_weak_cipher', match: /weak tls cipher/i, score: 100, title: 'Weak TLS cipher' },
  { id: 'tls_self_signed_cert', match: /self-signed cert/i, score: 100, title: 'Self-signed TLS certificate' },
  { id: 'tls_cert_expired', match: /tls (expired certificate|cert(ificate)? expired)/i, score: 100, title: 'Expired TLS certificate' },
  { id: 'tls_cert_mismatch', match: /tls cert(ificate)? mismatch/i, score: 100, title: 'TLS certificate mismatch' },
  { id: 'dga_domain', match: /dga domain/i, score: 100, title: 'Suspicious DGA domain' },
  { id: 'suspicious_dns_traffic', match: /suspicious dns traffic/i, score: 100, title: 'Suspicious DNS traffic' },
  { id: 'web_attack', match: /xss attack|sql injection|rce injection/i, score: 250, title: 'Web attack attempt (XSS / SQL / RCE injection)' },
  { id: 'possible_exploit', match: /possible exploit/i, score: 250, title: 'Possible exploit' },
  { id: 'binary_app_transfer', match: /binary app(lication)? transfer/i, score: 150, title: 'Binary application transfer' },
  { id: 'malicious_fingerprint', match: /malicious (ja3|ssl cert|fingerp)/i, score: 100, title: 'Possibly malicious TLS fingerprint' },
  { id: 'smb_insecure_version', match: /smb insecure/i, score: 100, title: 'Insecure SMB version' },
  { id: 'ssh_obsolete', match: /ssh obsolete/i, score: 50, title: 'Obsolete SSH version or cipher' },
  { id: 'risky_domain', match: /risky (domain|asn)/i, score: 50, title: 'Risky domain or ASN' },
  { id: 'unsafe_protocol', match: /unsafe protocol/i, score: 10, title: 'Unsafe protocol' },
];

/** One check per mapped risk family. */
export class FlowRiskCheck implements FlowCheck {
  readonly defaults: CheckSettings;

  constructor(private readonly spec: (typeof RISK_CHECKS)[number]) {
    this.defaults = { enabled: true, score: spec.score };
  }

  get id(): string {
    return this.spec.id;
  }

  evaluate(flow: FlowRecord, settings: CheckSettings): CheckFinding | null {
    const risk = flow.risks.find((r) => this.spec.match.test(r));
    if (!risk) return null;
    const app = flow.l7 || flow.l4;
    return {
      check: this.spec.id,
      score: num(settings, 'score', this.spec.score),
      title: this.spec.title,
      description: `${this.spec.title}: ${app} flow ${flowLabel(flow)}${flow.server_name ? ` (${flow.server_name})` : ''}, nDPI risk "${risk}"`,
      details: { risk, l7: flow.l7, server_name: flow.server_name },
    };
  }
}

/** Every risk check, in table order. */
export function riskChecks(): FlowRiskCheck[] {
  return RISK_CHECKS.map((s) => new FlowRiskCheck(s));
}
