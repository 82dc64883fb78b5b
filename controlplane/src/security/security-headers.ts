import { randomBytes } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import helmet from 'helmet';

/** The nonce of this response's `style-src` (Angular puts it on the component `<style>` elements it adds). */
export function cspNonce(res: Response): string {
  return (res.locals as { cspNonce?: string }).cspNonce ?? '';
}

/**
 * Security headers on every response, by helmet: a Content-Security-Policy
 * the Angular portal runs under (scripts and styles from the appliance only;
 * the component styles Angular injects carry this response's nonce, see
 * `portal-index.ts`; API and WebSocket on the same origin; no framing),
 * `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`,
 * `X-Frame-Options: DENY`, Cross-Origin-Opener/Resource-Policy same-origin.
 * The OpenAPI UI under /api/docs gets the same with inline styles allowed.
 * No `upgrade-insecure-requests` and no HSTS here: the appliance may serve
 * plain HTTP on a management network, and upgrading would break it there.
 */
export function securityHeaders(isDocs: (path: string) => boolean): RequestHandler[] {
  const nonce: RequestHandler = (_req, res, next) => {
    (res.locals as { cspNonce?: string }).cspNonce = randomBytes(16).toString('base64');
    next();
  };
  const common = {
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' as const },
    frameguard: { action: 'deny' as const },
    crossOriginEmbedderPolicy: false,
  };
  const portal = helmet({
    ...common,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", (_req, res) => `'nonce-${cspNonce(res as Response)}'`],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        scriptSrcAttr: ["'none'"],
      },
    },
  });
  // Swagger UI (behind login) styles itself inline; scripts stay 'self' only.
  const docs = helmet({
    ...common,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  return [nonce, (req, res, next) => (isDocs(req.path) ? docs : portal)(req, res, next)];
}
