import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LibraryHandle } from 'koffi';
import { DataplaneError } from './dataplane-error';

/** A shim library built by `make -C dataplane/native`, how to find it and what to say when it is missing. */
export interface NativeLibrary {
  /** File name in dataplane/native/build, e.g. `libflowprobe_ndpi.so`. */
  file: string;
  /** Environment variable that overrides the path. */
  env: string;
  /** Code of the error thrown when it cannot be loaded. */
  missingCode: string;
  /** What to install, for the message (e.g. `nDPI (apt: libndpi-dev libndpi4.2)`). */
  install: string;
  /** What stops working without it, the message's start (e.g. `DPDK capture is not available`). */
  what: string;
  /** Builds the coded error (DpdkError for DPDK, DataplaneError otherwise). */
  error?: (code: string, message: string) => Error;
}

/**
 * Where a shim is built: dataplane/native/build, found upwards from this file
 * (src/errors, dist/errors or dist-bench/src/errors); the library's environment variable overrides it.
 */
export function nativeLibraryPath(lib: NativeLibrary): string {
  const override = process.env[lib.env];
  if (override) return override;
  const candidates = ['../../native/build', '../../../native/build'].map((d) => path.resolve(__dirname, d, lib.file));
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[0];
}

/** Loads a shim with koffi (in this thread), or throws its coded "missing" error with what to do. */
export function loadNativeLibrary(lib: NativeLibrary): LibraryHandle {
  const make = lib.error ?? ((code: string, message: string) => new DataplaneError(code, message));
  const file = nativeLibraryPath(lib);
  if (!fs.existsSync(file)) {
    throw make(lib.missingCode, `${lib.what}: ${file} does not exist. Install ${lib.install}, \`make apt\`, and build it with \`make -C dataplane/native\``);
  }
  // Required here, not at the top: koffi is only needed once a native feature is used.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const koffi = require('koffi') as typeof import('koffi');
  try {
    return koffi.load(file);
  } catch (err) {
    throw make(lib.missingCode, `${lib.what}: cannot load ${file}: ${(err as Error).message}. Is ${lib.install} installed?`);
  }
}
