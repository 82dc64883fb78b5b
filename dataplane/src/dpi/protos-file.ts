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
  const hash = contentHash(text);
  const file = path.join(os.tmpdir(), `flowprobe-ndpi-protos-${hash}.txt`);
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) {
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file); // atomic: readers never see a half-written file
  }
  cached = file;
  return file;
}

/**
 * 16 hex digits naming the file's content: two FNV-1a lanes over the UTF-16 code units. Not a
 * cryptographic hash (a file found under the name is compared with the text anyway): node:crypto
 * costs a capture worker 15-18 ms of start-up to load.
 */
function contentHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
