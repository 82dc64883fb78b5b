import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * flowprobe's version, defined once: the `version` of the packages'
 * package.json (the workspaces share it), read from the control plane's
 * (two levels above src/config and dist/config). The API's /system, the
 * OpenAPI document, /metrics, Redis, alerts' `observer.version` and the
 * `flowprobe` command report it.
 */
export const PRODUCT_VERSION: string = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
