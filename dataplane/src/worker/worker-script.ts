import { DataplaneError } from '../errors/dataplane-error';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Path of a compiled thread entry, `relative` to the package's src/ or dist/
 * (e.g. 'worker/capture-worker.js'). Tests run from src/ through ts-jest;
 * threads always run the compiled file from dist/: its bundle (`<entry>.bundle.js`,
 * written by `npm run build` after tsc, bundle-workers.js) when there is one not older than
 * the compiled entry, since a thread starts faster from one file than from fifty.
 */
export function compiledWorkerScript(relative: string): string {
  const root = path.join(__dirname, '..');
  const candidates = [path.join(root, relative), path.join(root, '..', 'dist', relative)];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new DataplaneError('NOT_BUILT', `${relative} not built: none of ${candidates.join(', ')} exists (run 'npm run build -w dataplane')`);
  const bundle = found.replace(/\.js$/, '.bundle.js');
  try {
    if (fs.statSync(bundle).mtimeMs >= fs.statSync(found).mtimeMs) return bundle;
  } catch {
    // no bundle (a tsc build alone, the benchmarks' dist-bench): the entry and its modules
  }
  return found;
}
