import type { Server as HttpsServer } from 'node:https';
import { BadRequestException, ConflictException, Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { TlsInfo } from '../api';
import { CONTROL_PLANE_OPTIONS, ControlPlaneOptions } from '../config/control-plane-options';
import { CertificateError, CertificateStore, validateCertificatePair } from './certificate-store';
import type { TlsUploadDto } from './dto/tls-upload.dto';

/** The HTTPS certificate: what the portal shows, and its replacement by an uploaded one without a restart. */
@Injectable()
export class TlsService {
  private readonly logger = new Logger(TlsService.name);
  private readonly store?: CertificateStore;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(CONTROL_PLANE_OPTIONS) options: ControlPlaneOptions,
  ) {
    if (options.tls) this.store = new CertificateStore(options.tls.dir);
  }

  info(): TlsInfo {
    if (!this.store) return { enabled: false };
    try {
      const pair = this.store.load();
      return { enabled: true, ...(pair ? { certificate: pair.info } : {}) };
    } catch (err) {
      // The files changed under the running server (it keeps serving what it loaded): say so, do not fail the page.
      this.logger.error(`TLS files in ${this.store.dir} are unusable: ${(err as Error).message}`);
      return { enabled: true };
    }
  }

  /**
   * Validates the uploaded pair, stores it (key 0600) and hands it to the
   * running HTTPS server: new connections get it, open ones keep theirs.
   */
  replace(dto: TlsUploadDto): TlsInfo {
    if (!this.store) throw new ConflictException('TLS is off (tls.enabled in the boot config): there is no certificate to replace');
    let pair;
    try {
      pair = validateCertificatePair(dto.certificate, dto.private_key);
    } catch (err) {
      if (err instanceof CertificateError) throw new BadRequestException({ statusCode: 400, error: 'bad_certificate', message: err.problems });
      throw err;
    }
    this.store.install(pair);
    const server = this.adapterHost.httpAdapter.getHttpServer() as HttpsServer;
    server.setSecureContext({ cert: pair.cert, key: pair.key });
    this.logger.log(`TLS certificate replaced: ${pair.info.subject}, SHA-256 fingerprint ${pair.info.fingerprint_sha256}`);
    return { enabled: true, certificate: pair.info };
  }
}
