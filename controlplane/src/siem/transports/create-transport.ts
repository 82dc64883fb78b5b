import type { DestinationPolicy } from '../destination-policy';
import { RecipientConfig } from '../recipient.types';
import { SiemTransport } from './siem-transport';
import { SyslogStreamTransport } from './syslog-stream.transport';
import { SyslogUdpTransport } from './syslog-udp.transport';
import { WebhookTransport } from './webhook.transport';

/**
 * The transport a recipient's configuration asks for. With a `policy`, every
 * destination address is checked against it when the transport connects
 * (the app always passes one; tests and benchmarks of the transports alone may not).
 */
export function createTransport(recipient: RecipientConfig, settleMs?: number, policy?: DestinationPolicy): SiemTransport {
  if (recipient.type === 'webhook') {
    if (!recipient.webhook) throw new Error(`recipient ${recipient.id}: webhook settings missing`);
    return new WebhookTransport(recipient.webhook, policy);
  }
  const s = recipient.syslog;
  if (!s) throw new Error(`recipient ${recipient.id}: syslog settings missing`);
  if (s.transport === 'udp') return new SyslogUdpTransport(s.host, s.port, policy);
  return new SyslogStreamTransport({
    policy,
    host: s.host,
    port: s.port,
    framing: s.framing ?? 'octet-counting',
    tls: s.transport === 'tls' ? (s.tls ?? {}) : undefined,
    settleMs,
  });
}
