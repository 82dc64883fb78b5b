import { execFile } from 'node:child_process';
import { createPrivateKey, KeyObject, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { writeFileAtomicSync } from '../config/atomic-write';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { promisify } from 'node:util';
import type { CertificateInfo } from '../api';

const execFileAsync = promisify(execFile);

/** File names inside the TLS folder. `fingerprint` holds the SHA-256 fingerprint for the console. */
export const CERT_FILE = 'cert.pem';
export const KEY_FILE = 'key.pem';
export const FINGERPRINT_FILE = 'fingerprint';

/** Self-signed certificates are valid this long, days (an admin replaces it with their own). */
const SELF_SIGNED_DAYS = 3650;
/** Largest PEM accepted for a certificate chain or a key, bytes. */
export const MAX_PEM_BYTES = 32 * 1024;

/** An uploaded certificate or key is unusable; `problems` lists every reason. */
export class CertificateError extends Error {
  readonly code = 'FLOWPROBE_BAD_CERTIFICATE';

  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'CertificateError';
  }
}

/** A certificate chain and its key, both PEM, with what the API shows of them (never the key). */
export interface CertificatePair {
  cert: string;
  key: string;
  info: CertificateInfo;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Host names openssl's -subj and subjectAltName accept as they are; anything else becomes `flowprobe`. */
function certificateHostname(hostname: string): string {
  return /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})$/.test(hostname) ? hostname : 'flowprobe';
}

/** What the API shows of a certificate chain's leaf. */
export function describeCertificate(leaf: X509Certificate, chainLength: number, nowMs = Date.now()): CertificateInfo {
  const validFrom = new Date(leaf.validFrom);
  const validTo = new Date(leaf.validTo);
  return {
    subject: leaf.subject.replace(/\n/g, ', '),
    issuer: leaf.issuer.replace(/\n/g, ', '),
    subject_alt_names: leaf.subjectAltName ? leaf.subjectAltName.split(', ') : [],
    valid_from: validFrom.toISOString(),
    valid_to: validTo.toISOString(),
    expired: validTo.getTime() <= nowMs,
    fingerprint_sha256: leaf.fingerprint256,
    self_signed: leaf.subject === leaf.issuer && leaf.verify(leaf.publicKey),
    chain_length: chainLength,
  };
}

/**
 * Checks a certificate chain (leaf first, intermediates after) and its
 * private key as TLS will use them: every PEM block parses, the key is an
 * unencrypted private key that matches the leaf, the leaf is valid now, and
 * Node's TLS accepts the pair. Throws a {@link CertificateError} naming every
 * problem found.
 */
export function validateCertificatePair(
  certPem: string,
  keyPem: string,
  { nowMs = Date.now(), allowExpired = false }: { nowMs?: number; allowExpired?: boolean } = {},
): CertificatePair {
  const problems: string[] = [];
  if (Buffer.byteLength(certPem) > MAX_PEM_BYTES) problems.push(`certificate: larger than ${MAX_PEM_BYTES} bytes`);
  if (Buffer.byteLength(keyPem) > MAX_PEM_BYTES) problems.push(`private_key: larger than ${MAX_PEM_BYTES} bytes`);
  if (problems.length > 0) throw new CertificateError(problems);

  const chain: X509Certificate[] = [];
  const blocks = certPem.match(PEM_CERT) ?? [];
  if (blocks.length === 0) problems.push('certificate: no PEM "BEGIN CERTIFICATE" block');
  blocks.forEach((block, i) => {
    try {
      chain.push(new X509Certificate(block));
    } catch (err) {
      problems.push(`certificate: block ${i + 1} does not parse (${(err as Error).message})`);
    }
  });
  let key: KeyObject | undefined;
  try {
    key = createPrivateKey({ key: keyPem, format: 'pem' });
  } catch (err) {
    const message = (err as Error).message;
    problems.push(/passphrase/i.test(message) ? 'private_key: encrypted keys are not accepted (remove the passphrase)' : `private_key: does not parse (${message})`);
  }
  const leaf = chain[0];
  if (leaf && key && blocks.length === chain.length) {
    if (!leaf.checkPrivateKey(key)) problems.push('private_key: does not match the certificate');
    if (!allowExpired && new Date(leaf.validTo).getTime() <= nowMs) problems.push(`certificate: expired on ${new Date(leaf.validTo).toISOString()}`);
    if (new Date(leaf.validFrom).getTime() > nowMs) problems.push(`certificate: not valid before ${new Date(leaf.validFrom).toISOString()}`);
  }
  if (problems.length === 0) {
    try {
      createSecureContext({ cert: certPem, key: keyPem });
    } catch (err) {
      problems.push(`TLS refuses the pair: ${(err as Error).message}`);
    }
  }
  if (problems.length > 0 || !leaf) throw new CertificateError(problems);
  return { cert: certPem, key: keyPem, info: describeCertificate(leaf, chain.length, nowMs) };
}

/**
 * The TLS folder on the data partition: the certificate in use, its key
 * (mode 0600) and its fingerprint. Writes are atomic (a temporary file in the
 * folder, then rename), so a crash never leaves half a key.
 */
export class CertificateStore {
  constructor(readonly dir: string) {}

  get certPath(): string {
    return join(this.dir, CERT_FILE);
  }

  get keyPath(): string {
    return join(this.dir, KEY_FILE);
  }

  get fingerprintPath(): string {
    return join(this.dir, FINGERPRINT_FILE);
  }

  /** The stored pair, validated; undefined when there is none. Throws {@link CertificateError} when it is unusable. */
  load(nowMs = Date.now()): CertificatePair | undefined {
    if (!existsSync(this.certPath) && !existsSync(this.keyPath)) return undefined;
    let cert: string;
    let key: string;
    try {
      cert = readFileSync(this.certPath, 'utf8');
      key = readFileSync(this.keyPath, 'utf8');
    } catch (err) {
      throw new CertificateError([`cannot read: ${(err as Error).message}`]);
    }
    // An expired certificate still serves (the portal shows "expired" and the admin replaces it); anything else must be sound.
    return validateCertificatePair(cert, key, { nowMs, allowExpired: true });
  }

  /**
   * The stored pair, or a new self-signed one when there is none (first
   * start). An unusable stored pair is kept aside as `*.invalid` and replaced.
   */
  async ensure(hostname: string): Promise<{ pair: CertificatePair; generated: boolean; problem?: string }> {
    let problem: string | undefined;
    try {
      const pair = this.load();
      if (pair) {
        this.writeFingerprint(pair.info.fingerprint_sha256);
        return { pair, generated: false };
      }
    } catch (err) {
      problem = (err as Error).message;
      for (const file of [this.certPath, this.keyPath]) if (existsSync(file)) renameSync(file, `${file}.invalid`);
    }
    const pair = await this.generateSelfSigned(hostname);
    return { pair, generated: true, ...(problem ? { problem } : {}) };
  }

  /** Generates a P-256 self-signed certificate with Debian's `openssl` and stores it. */
  async generateSelfSigned(hostname: string): Promise<CertificatePair> {
    this.makeDir();
    const name = certificateHostname(hostname);
    // A private 0700 folder inside the TLS folder: the key is never readable by others, even for a moment.
    const work = mkdtempSync(join(this.dir, '.new-'));
    try {
      const keyOut = join(work, KEY_FILE);
      const certOut = join(work, CERT_FILE);
      await execFileAsync('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', keyOut, '-out', certOut, '-days', String(SELF_SIGNED_DAYS), '-sha256',
        '-subj', `/O=flowprobe/CN=${name}`,
        '-addext', `subjectAltName=DNS:${name}`,
        '-addext', 'basicConstraints=critical,CA:FALSE',
        '-addext', 'keyUsage=critical,digitalSignature',
        '-addext', 'extendedKeyUsage=serverAuth',
      ], { timeout: 30_000 });
      const pair = validateCertificatePair(readFileSync(certOut, 'utf8'), readFileSync(keyOut, 'utf8'));
      this.install(pair);
      return pair;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  /** Stores a validated pair as the one in use (key mode 0600) and its fingerprint. */
  install(pair: CertificatePair): void {
    this.makeDir();
    this.writeAtomic(this.keyPath, pair.key, 0o600);
    this.writeAtomic(this.certPath, pair.cert, 0o644);
    this.writeFingerprint(pair.info.fingerprint_sha256);
  }

  private writeFingerprint(fingerprint: string): void {
    if (existsSync(this.fingerprintPath) && readFileSync(this.fingerprintPath, 'utf8') === `${fingerprint}\n`) return;
    this.writeAtomic(this.fingerprintPath, `${fingerprint}\n`, 0o644);
  }

  private makeDir(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o750 });
  }

  private writeAtomic(file: string, text: string, mode: number): void {
    writeFileAtomicSync(file, text, mode);
  }
}

/** The HTTPS certificate in `dir`: the stored one, or a new self-signed one (what the first start does). */
export function ensureCertificate(dir: string, hostname: string): ReturnType<CertificateStore['ensure']> {
  return new CertificateStore(dir).ensure(hostname);
}
