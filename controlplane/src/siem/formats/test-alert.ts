import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AlertEventV1 } from '../../alerts/alert-event';
import { PRODUCT_VERSION } from '../../config/product-version';

/**
 * The alert "send test alert" delivers: a real, schema-valid flow alert with
 * status `test`, whose text exercises every escaping rule (`|`, `=`, `\`, `"`,
 * `]`, newline) so a receiver's parser is checked end to end.
 */
export function buildTestAlert(overrides: Partial<AlertEventV1> = {}): AlertEventV1 {
  const now = new Date();
  return {
    schema: 'flowprobe.alert.v1',
    id: randomUUID(),
    status: 'test',
    time: now.toISOString(),
    end_time: null,
    severity: 'warning',
    score: 50,
    check: 'test_alert',
    title: 'flowprobe test alert | escaping check',
    description: 'Test alert: a=b c\\d "quoted" [x] pipe | end\nsecond line',
    entity: { type: 'flow', value: '192.0.2.10:51000 <-> 198.51.100.20:21/TCP' },
    host: '192.0.2.10',
    observer: { hostname: hostname(), interface: 'test', product: 'flowprobe', version: PRODUCT_VERSION },
    flow: {
      key: '0:0:0',
      l4: 'TCP',
      l7: 'FTP_CONTROL',
      vlan: 0,
      client: { ip: '192.0.2.10', port: 51000 },
      server: { ip: '198.51.100.20', port: 21 },
      server_name: 'ftp.example.org',
      cli2srv: { packets: 10, bytes: 700 },
      srv2cli: { packets: 8, bytes: 900 },
      risks: ['Clear-Text Credentials', 'Unsafe Protocol'],
      first_seen: now.getTime() / 1000,
      last_seen: now.getTime() / 1000,
    },
    details: { note: 'sent by POST /api/v1/recipients/:id/test' },
    ...overrides,
  };
}
