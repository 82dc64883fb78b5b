import type { RecipientView } from '@flowprobe/api';
import { describeTarget, emptyDraft, fromDraft, toDraft } from './recipient-form';

describe('recipient form mapping', () => {
  it('sends only the options of the chosen type, in the API snake_case', () => {
    const syslog = fromDraft({ ...emptyDraft(), name: ' siem ', host: '10.0.0.5', port: 6514, transport: 'tls', format: 'cef', ca: 'PEM' });
    expect(syslog).toEqual({
      name: 'siem',
      enabled: true,
      min_severity: 'warning',
      type: 'syslog',
      syslog: { host: '10.0.0.5', port: 6514, transport: 'tls', framing: 'octet-counting', header: 'rfc5424', format: 'cef', tls: { reject_unauthorized: true, ca: 'PEM' } },
    });
    const udp = fromDraft({ ...emptyDraft(), name: 'u', host: 'h', transport: 'udp' });
    expect(udp.syslog).not.toHaveProperty('framing');
    expect(udp.syslog).not.toHaveProperty('tls');

    const webhook = fromDraft({ ...emptyDraft(), name: 'w', type: 'webhook', url: 'https://siem/ingest', secret: '' });
    expect(webhook).toEqual({ name: 'w', enabled: true, min_severity: 'warning', type: 'webhook', webhook: { url: 'https://siem/ingest', reject_unauthorized: true } });
  });

  it('edits a listed recipient without ever showing its secret', () => {
    const view: RecipientView = {
      id: 'a1',
      name: 'hook',
      enabled: false,
      min_severity: 'error',
      entities: [],
      checks: [],
      batch_size: 100,
      type: 'webhook',
      webhook: { url: 'https://x/y', secret_set: true, url_credentials_set: false, header_names: [], reject_unauthorized: false },
    };
    const draft = toDraft(view);
    expect(draft).toMatchObject({ id: 'a1', name: 'hook', enabled: false, minSeverity: 'error', type: 'webhook', url: 'https://x/y', secret: '', rejectUnauthorized: false });
    // No secret in the body: the server keeps the stored one.
    expect(fromDraft(draft).webhook).not.toHaveProperty('secret');
    expect(describeTarget(view)).toBe('https://x/y');
    expect(describeTarget({ ...view, type: 'syslog', syslog: { host: 'h', port: 514, transport: 'udp', header: 'rfc3164', format: 'json' } })).toBe(
      'udp://h:514 · RFC3164 · JSON',
    );
  });
});
