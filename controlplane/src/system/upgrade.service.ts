import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, statfs, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import {
  BadRequestException,
  ConflictException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  PayloadTooLargeException,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { UpgradeAccepted, UpgradeStatus } from '../api';
import { PRODUCT_VERSION } from '../config/product-version';
import { CONTROL_PLANE_OPTIONS, ControlPlaneOptions } from '../config/control-plane-options';
import { parseRaucInfo, parseSystemConf, parseUpgradeState } from './upgrade-files';

const execFileAsync = promisify(execFile);

/** Default bound of an uploaded bundle (the data partition holds it while it is checked and installed). */
export const DEFAULT_MAX_BUNDLE_BYTES = 1024 * 1024 * 1024;
/** `rauc info` reads the signature and the manifest; a verity bundle is not hashed whole. */
const RAUC_INFO_TIMEOUT_MS = 120_000;

/**
 * Updates from the portal (docs/upgrades.md): the upload is streamed to the
 * data partition (bounded), checked with `rauc info` against the appliance's
 * keyring and compatible string BEFORE anything is written to a slot, then
 * queued for `flowprobe-upgrade --queued` (root, started by
 * flowprobe-upgrade.path) which writes the inactive slot.
 */
@Injectable()
export class UpgradeService {
  private readonly logger = new Logger(UpgradeService.name);
  private uploading = false;

  constructor(@Inject(CONTROL_PLANE_OPTIONS) private readonly options: ControlPlaneOptions) {}

  private get raucConfig(): string {
    return this.options.upgrade?.raucConfig ?? '/etc/rauc/system.conf';
  }

  private get dir(): string {
    return this.options.upgrade?.dir ?? dirname(this.options.database.path);
  }

  get maxBundleBytes(): number {
    return this.options.upgrade?.maxBundleBytes ?? DEFAULT_MAX_BUNDLE_BYTES;
  }

  private async system(): Promise<{ compatible: string; keyring: string } | string> {
    let text: string;
    try {
      text = await readFile(this.raucConfig, 'utf8');
    } catch {
      return `updates need the appliance image (no ${this.raucConfig})`;
    }
    const conf = parseSystemConf(text);
    if (!conf.compatible || !conf.keyring) return `${this.raucConfig} names no compatible string or keyring`;
    return { compatible: conf.compatible, keyring: conf.keyring.startsWith('/') ? conf.keyring : join(dirname(this.raucConfig), conf.keyring) };
  }

  async status(): Promise<UpgradeStatus> {
    const system = await this.system();
    let bootedSlot: string | null = null;
    try {
      bootedSlot = /(?:^|\s)rauc\.slot=([A-Za-z0-9_-]{1,16})(?:\s|$)/.exec(await readFile('/proc/cmdline', 'utf8'))?.[1] ?? null;
    } catch {
      // Not Linux: no slot.
    }
    let stateText = '';
    try {
      stateText = await readFile(join(this.dir, 'upgrade', 'state'), 'utf8');
    } catch {
      // No upgrade yet.
    }
    const state = parseUpgradeState(stateText);
    const queued = await readFile(join(this.dir, 'upload', 'request'), 'utf8').then(() => true, () => false);
    return {
      available: typeof system !== 'string',
      ...(typeof system === 'string' ? { reason: system } : {}),
      ...state,
      state: queued || this.uploading ? 'queued' : (state.state ?? 'none'),
      running_version: PRODUCT_VERSION,
      booted_slot: bootedSlot,
      max_bundle_bytes: this.maxBundleBytes,
    };
  }

  /** Stream the bundle to the data partition, check it, queue it; 4xx with the reason for a bad one. */
  async upload(body: Readable, contentLength: number | undefined, by: string): Promise<UpgradeAccepted> {
    const system = await this.system();
    if (typeof system === 'string') throw new ServiceUnavailableException(`Updates are not available: ${system}`);
    const max = this.maxBundleBytes;
    if (contentLength !== undefined && contentLength > max) throw new PayloadTooLargeException(`A bundle is at most ${max} bytes (this one: ${contentLength})`);
    const current = await this.status();
    if (this.uploading || current.state === 'queued' || current.state === 'installing') {
      throw new ConflictException(`An update is already ${current.state === 'installing' ? 'being installed' : 'in progress'}: wait for it to finish`);
    }
    const uploadDir = join(this.dir, 'upload');
    await mkdir(uploadDir, { recursive: true, mode: 0o750 });
    const fs = await statfs(uploadDir);
    if (contentLength !== undefined && contentLength > fs.bavail * fs.bsize - 64 * 1024 * 1024) {
      throw new HttpException(`Not enough space on the data partition for a ${contentLength}-byte bundle`, HttpStatus.INSUFFICIENT_STORAGE);
    }
    const part = join(uploadDir, 'bundle.raucb.part');
    const file = join(uploadDir, 'bundle.raucb');
    this.uploading = true;
    try {
      let bytes = 0;
      const bound = new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          if (bytes > max) done(new PayloadTooLargeException(`A bundle is at most ${max} bytes`));
          else done(null, chunk);
        },
      });
      await rm(file, { force: true });
      try {
        await pipeline(body, bound, createWriteStream(part, { mode: 0o640 }));
      } catch (err) {
        await rm(part, { force: true });
        if (err instanceof HttpException) throw err;
        throw new BadRequestException(`The upload did not complete: ${(err as Error).message}`);
      }
      if (bytes === 0) {
        await rm(part, { force: true });
        throw new BadRequestException('The request carries no bundle');
      }
      let info: { compatible: string; version: string };
      try {
        const { stdout } = await execFileAsync('rauc', ['info', `--keyring=${system.keyring}`, '--output-format=json', part], {
          timeout: RAUC_INFO_TIMEOUT_MS,
          maxBuffer: 1024 * 1024,
        });
        info = parseRaucInfo(stdout);
      } catch (err) {
        await rm(part, { force: true });
        const e = err as NodeJS.ErrnoException & { stderr?: string };
        if (e.code === 'ENOENT') throw new ServiceUnavailableException('rauc is not installed');
        const why = (e.stderr ?? e.message).split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('rauc-Message')).pop() ?? 'unreadable';
        throw new BadRequestException(`Bundle refused (nothing was written): ${why.slice(0, 300)}`);
      }
      if (info.compatible !== system.compatible) {
        await rm(part, { force: true });
        throw new BadRequestException(`Bundle refused (nothing was written): it is for "${info.compatible}", this appliance is "${system.compatible}"`);
      }
      await rename(part, file);
      await writeFile(join(uploadDir, 'request'), `${info.version}\n`, { mode: 0o640 });
      this.logger.warn(`update bundle ${info.version} (${bytes} bytes) checked and queued by "${by}"`);
      return { version: info.version, compatible: info.compatible, state: 'queued' };
    } finally {
      this.uploading = false;
    }
  }
}
