import { createServer as createHttpsServer, Server } from 'node:https';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTcpServer } from 'node:net';
import { frameSyslog, SyslogStreamTransport } from '../src/siem/transports/syslog-stream.transport';
import { MAX_UDP_PAYLOAD_BYTES, SyslogUdpTransport } from '../src/siem/transports/syslog-udp.transport';
import { PermanentDeliveryError } from '../src/siem/transports/siem-transport';
import { signWebhookBody, WebhookTransport } from '../src/siem/transports/webhook.transport';
import { makeCerts } from './siem-rsyslog';
import { splitOctetCounted } from './siem-parsers';

describe('SIEM transports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowprobe-transports-'));
  const certs = makeCerts(dir);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('frames RFC 6587 octet counting in bytes (UTF-8) and LF framing without inner LFs', () => {
    const framed = Buffer.concat([frameSyslog('<13>1 - - - - - - é', 'octet-counting'), frameSyslog('x', 'octet-counting')]);
    expect(framed.toString('utf8').startsWith('20 <13>1')).toBe(true);
    expect(splitOctetCounted(framed)).toEqual(['<13>1 - - - - - - é', 'x']);
    expect(frameSyslog('a\nb', 'newline').toString()).toBe('a b\n');
  });

  it('UDP refuses a message larger than a datagram as permanent', async () => {
    const t = new SyslogUdpTransport('127.0.0.1', 9);
    await expect(t.send(['x'.repeat(MAX_UDP_PAYLOAD_BYTES + 1)])).rejects.toBeInstanceOf(PermanentDeliveryError);
    await t.close();
  });

  it('a stream transport reports a lost connection with the generation that died', async () => {
    const sockets: import('node:net').Socket[] = [];
    const srv = createTcpServer((s) => sockets.push(s));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const t = new SyslogStreamTransport({ host: '127.0.0.1', port: (srv.address() as { port: number }).port, framing: 'octet-counting' });
    await t.send(['<13>1 - - - - - - hello']);
    const lost = new Promise<number>((r) => t.once('lost', (g: number) => r(g)));
    sockets[0].destroy();
    expect(await lost).toBe(0);
    expect(t.generation).toBe(1);
    await t.send(['<13>1 - - - - - - again']);
    expect(sockets).toHaveLength(2);
    await t.close();
    for (const s of sockets) s.destroy();
    await new Promise((r) => srv.close(r));
  });

  it('webhook over HTTPS verifies the server against the configured CA and signs the body', async () => {
    let seen: { sig?: string; body: string } | null = null;
    const srv: Server = createHttpsServer(
      { cert: readFileSync(join(dir, 'server.pem')), key: readFileSync(join(dir, 'server.key')) },
      (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
          seen = { sig: req.headers['x-flowprobe-signature'] as string, body: Buffer.concat(chunks).toString() };
          res.writeHead(202).end();
        });
      },
    );
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const url = `https://localhost:${(srv.address() as { port: number }).port}/x`;
    await expect(new WebhookTransport({ url, ca: certs.otherCa }).send(['{"a":1}'])).rejects.toThrow(/certificate/i);
    await new WebhookTransport({ url, ca: certs.ca, secret: 's3cret-key' }).send(['{"a":1}', '{"b":2}']);
    expect(seen!.body).toBe('[{"a":1},{"b":2}]');
    expect(seen!.sig).toBe(signWebhookBody('s3cret-key', seen!.body));
    await new Promise((r) => srv.close(r));
  });
});
