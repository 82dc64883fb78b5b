import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChunkResult } from './fuzz-chunk';

/** Where `make -C dataplane/native asan` puts the AddressSanitizer build of the nDPI shim. */
export const ASAN_SHIM = path.resolve(__dirname, '../../native/build-asan/libflowprobe_ndpi.so');

/** The compiler's AddressSanitizer runtime (preloaded into node, which is not built with it), or null. */
export function asanRuntime(): string | null {
  for (const dir of ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib']) {
    if (!fs.existsSync(dir)) continue;
    const lib = fs
      .readdirSync(dir)
      .filter((f) => /^libasan\.so\.\d+$/.test(f))
      .sort()
      .pop();
    if (lib) return path.join(dir, lib);
  }
  return null;
}

export interface ChunkRun {
  /** Parsed result line, when the chunk finished. */
  result?: ChunkResult;
  /** Exit code / signal of the chunk process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** AddressSanitizer report or other stderr output (last 8 KiB). */
  stderr: string;
}

/**
 * Runs one fuzz chunk (fuzz-chunk.ts) in a process of its own, with the
 * AddressSanitizer shim when `asan` is set. The child's process group is
 * killed if the caller's `signal` aborts.
 */
export function runChunk(
  args: { seed: number; packets: number; dir: string; replay?: string; keep?: boolean; workers?: number },
  asan: boolean,
  register = path.resolve(__dirname, '../dpdk-ts-register.js'),
): Promise<ChunkRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (asan) {
    const rt = asanRuntime();
    if (!rt) throw new Error('no libasan.so found (package libasan8)');
    if (!fs.existsSync(ASAN_SHIM)) throw new Error(`${ASAN_SHIM} not built (make -C dataplane/native asan)`);
    env.LD_PRELOAD = rt;
    env.FLOWPROBE_NDPI_LIB = ASAN_SHIM;
    // node itself is not instrumented: no leak check at exit (it would report node's own
    // allocations), abort on the first error so the chunk dies with the report on stderr.
    env.ASAN_OPTIONS = 'detect_leaks=0:abort_on_error=1:halt_on_error=1:allocator_may_return_null=1:handle_segv=1:print_summary=1';
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', register, path.join(__dirname, 'fuzz-chunk.ts'), JSON.stringify(args)], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.length > 65536) err = err.slice(-16384);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const line = out.split('\n').find((l) => l.startsWith('FUZZ_RESULT '));
      resolve({
        result: line ? (JSON.parse(line.slice('FUZZ_RESULT '.length)) as ChunkResult) : undefined,
        code,
        signal,
        stderr: err.slice(-8192),
      });
    });
  });
}
