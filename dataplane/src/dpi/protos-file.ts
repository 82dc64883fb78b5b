import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hostPatternProtosText } from './host-patterns';

let cached: string | null = null;

/**
 * Path of the nDPI protocols file generated from host-patterns.ts, written once
 * per process into the temp dir (named by content hash, so concurrent processes
 * and threads agree). nDPI 4.2 only loads custom rules from a file.
 */
export function hostPatternProtosPath(): string {
  if (cached !== null && fs.existsSync(cached)) return cached;
  const text = hostPatternProtosText();
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `flowprobe-ndpi-protos-${hash}.txt`);
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) {
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file); // atomic: readers never see a half-written file
  }
  cached = file;
  return file;
}
