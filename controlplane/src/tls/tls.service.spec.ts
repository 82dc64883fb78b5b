import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { BadRequestException, ConflictException } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import type { ControlPlaneOptions } from '../config/control-plane-options';
import { CertificatePair, CertificateStore, KEY_FILE } from './certificate-store';
import { TlsService } from './tls.service';

/**
 * TlsService over a real TLS folder (certificates made by Debian's openssl, as
 * the appliance's first start does) and a real, not listening, HTTPS server
 * whose secure context is replaced.
 */
describe('TlsService (real certificate files, real https.Server)', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'flowprobe-tls-'));
  const dir = path.join(root, 'tls');
  let inUse: CertificatePair;
  let upload: CertificatePair;
  let other: CertificatePair;
  let server: https.Server;

  const service = (tls: boolean): TlsService =>
    new TlsService({ httpAdapter: { getHttpServer: () => server } } as unknown as HttpAdapterHost, { tls: tls ? { dir } : undefined } as ControlPlaneOptions);

  beforeAll(async () => {
    inUse = await new CertificateStore(dir).generateSelfSigned('probe-a');
    upload = await new CertificateStore(path.join(root, 'upload')).generateSelfSigned('probe-b');
    other = await new CertificateStore(path.join(root, 'other')).generateSelfSigned('probe-c');
    server = https.createServer({ cert: inUse.cert, key: inUse.key });
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('TLS off: says so, and there is nothing to replace (409)', () => {
    expect(service(false).info()).toEqual({ enabled: false });
    expect(() => service(false).replace({ certificate: upload.cert, private_key: upload.key })).toThrow(ConflictException);
  });

  it('shows the certificate in use', () => {
    expect(service(true).info()).toEqual({ enabled: true, certificate: inUse.info });
    expect(inUse.info.subject).toContain('probe-a');
  });

  it('refuses a key of another certificate with every reason (400 bad_certificate) and changes nothing', () => {
    const setContext = jest.spyOn(server, 'setSecureContext');
    const err = (() => {
      try {
        service(true).replace({ certificate: upload.cert, private_key: other.key });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(BadRequestException);
    expect((err as BadRequestException).getResponse()).toEqual({ statusCode: 400, error: 'bad_certificate', message: ['private_key: does not match the certificate'] });
    expect(setContext).not.toHaveBeenCalled();
    expect(service(true).info().certificate?.fingerprint_sha256).toBe(inUse.info.fingerprint_sha256);
    setContext.mockRestore();
  });

  it('installs a sound pair (key 0600) and hands it to the running server without a restart', () => {
    const setContext = jest.spyOn(server, 'setSecureContext');
    const answer = service(true).replace({ certificate: upload.cert, private_key: upload.key });
    expect(answer).toEqual({ enabled: true, certificate: upload.info });
    expect(setContext).toHaveBeenCalledWith({ cert: upload.cert, key: upload.key });
    expect(fs.statSync(path.join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(service(true).info().certificate?.subject).toContain('probe-b');
    setContext.mockRestore();
  });

  it('files broken under the running server: the page says TLS is on without a certificate instead of failing', () => {
    fs.writeFileSync(path.join(dir, KEY_FILE), 'not a key');
    expect(service(true).info()).toEqual({ enabled: true });
  });
});
