import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { RequestHandler } from 'express';
import { cspNonce } from './security-headers';

/**
 * Serves the portal's `index.html` (for `/`, `/index.html` and every deep link
 * that is not a file) with this response's CSP nonce as `ngCspNonce` on
 * `<app-root>`, so the styles Angular injects are allowed by the
 * Content-Security-Policy without `'unsafe-inline'`. Files go on to the
 * static server. `isApi` tells which paths are the control plane's own.
 */
export function portalIndex(portalDir: string, isApi: (path: string) => boolean): RequestHandler {
  const indexFile = join(portalDir, 'index.html');
  const template = existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : null;
  return (req, res, next) => {
    if (template === null || (req.method !== 'GET' && req.method !== 'HEAD') || isApi(req.path)) return next();
    const path = req.path;
    if (path !== '/' && path !== '/index.html') {
      let relative: string;
      try {
        relative = normalize(decodeURIComponent(path));
      } catch {
        return next();
      }
      // A file of the build (script, style, icon) is the static server's.
      if (statSync(join(portalDir, relative), { throwIfNoEntry: false })?.isFile()) return next();
    }
    const html = template.replace('<app-root', `<app-root ngCspNonce="${cspNonce(res)}"`);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.send(html);
  };
}
