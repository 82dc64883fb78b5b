import { createHmac } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { DestinationPolicy } from '../destination-policy';
import { WebhookRecipientOptions } from '../recipient.types';
import { SiemTransport } from './siem-transport';

/** A remote reason phrase as shown in `last_error`: printable ASCII only, at most 64 characters. */
function statusText(message: string | undefined): string {
  const text = (message ?? '').replace(/[^\x20-\x7e]/g, '').slice(0, 64).trim();
  return text ? ` ${text}` : '';
}

/** `sha256=<hex HMAC-SHA256(secret, body)>`, the value of `X-Flowprobe-Signature`. */
export function signWebhookBody(secret: string, body: string | Buffer): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * Webhook: POSTs a JSON array of alerts (schema v1). A 2xx answer is the
 * acknowledgement; anything else, or no answer within `timeoutMs`, is a
 * failure the forwarder retries. Headers: `X-Flowprobe-Timestamp` (epoch
 * seconds) and, with a secret, `X-Flowprobe-Signature: sha256=<hex>` over the
 * exact body bytes.
 */
export class WebhookTransport extends EventEmitter implements SiemTransport {
  readonly settleMs = 0;
  readonly generation = 0;

  constructor(
    private readonly opts: WebhookRecipientOptions,
    private readonly policy?: DestinationPolicy,
  ) {
    super();
    const u = new URL(opts.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`webhook URL must be http(s), not ${u.protocol}`);
  }

  /** `messages` are serialized alerts (JSON objects); they are sent as one JSON array. */
  send(messages: string[]): Promise<void> {
    const body = Buffer.from(`[${messages.join(',')}]`, 'utf8');
    const url = new URL(this.opts.url);
    const headers: Record<string, string | number> = {
      ...this.opts.headers,
      'content-type': 'application/json',
      'content-length': body.length,
      'user-agent': 'flowprobe-webhook/1',
      'x-flowprobe-timestamp': Math.floor(Date.now() / 1000),
    };
    if (this.opts.secret) headers['x-flowprobe-signature'] = signWebhookBody(this.opts.secret, body);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const refused = this.policy?.hostRefusal(url.hostname);
    if (refused) return Promise.reject(new Error(refused));
    return new Promise<void>((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          headers,
          timeout: this.opts.timeoutMs ?? 10_000,
          ca: this.opts.ca,
          rejectUnauthorized: this.opts.rejectUnauthorized ?? true,
          lookup: this.policy?.lookup,
        },
        (res) => {
          // The body is drained, never shown: what a remote endpoint says is trimmed to its status line.
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve();
            else reject(new Error(`webhook answered HTTP ${status}${statusText(res.statusMessage)}`));
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`webhook timed out after ${this.opts.timeoutMs ?? 10_000} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  async close(): Promise<void> {
    // Requests are one-shot; nothing to close.
  }
}
