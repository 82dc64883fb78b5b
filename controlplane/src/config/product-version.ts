import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * flowprobe's version, defined once: the `version` of the packages'
 * package.json (the workspaces share it), read from the control plane's
 * (the nearest one above src/config, dist/config or dist-bench/src/config). The API's /system, the
 * OpenAPI document, /metrics, Redis, alerts' `observer.version` and the
 * `flowprobe` command report it.
 */
export const PRODUCT_VERSION: string = (JSON.parse(readFileSync(packageJsonAbove(__dirname), 'utf8')) as { version: string }).version;

/** The nearest package.json above `dir`: the control plane's from dist/config and from the benchmarks' dist-bench/src/config. */
function packageJsonAbove(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    const candidate = join(d, 'package.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(d) === d) throw new Error(`no package.json above ${dir}`);
  }
}
