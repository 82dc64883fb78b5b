import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { INestApplication, Logger, LoggerService, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import compression from 'compression';
import cookieParser from 'cookie-parser';
import type { RequestHandler } from 'express';
import { ApiExceptionFilter } from './api/api-exception.filter';
import { AppModule } from './app.module';
import { LiveWsAdapter } from './live/live-ws-adapter';
import { PRODUCT_VERSION } from './config/product-version';
import type { ControlPlaneOptions } from './config/control-plane-options';
import type { ProbeDataplane } from './dataplane/probe-dataplane';
import { RedactingJsonLogger } from './logging/redacting-logger';
import { installProcessGuard } from './process-guard';
import { AuthService } from './auth/auth.service';
import { SESSION_COOKIE } from './auth/auth-user';
import { bodyParserErrors } from './security/body-errors';
import { portalIndex } from './security/portal-index';
import { readCookie } from './security/request-origin';
import { RequestShapeGuard } from './security/request-shape.guard';
import { securityHeaders } from './security/security-headers';
import { SettingsService } from './settings/settings.service';
import { CertificateStore } from './tls/certificate-store';
import { closeServer, startRedirectServer } from './tls/https-redirect';
import { countApiRequests } from './flow-records/time-slice';

/** A running control plane. */
export interface ControlPlane {
  app: INestApplication;
  /** Base URL, e.g. `http://127.0.0.1:3000` or `https://127.0.0.1:443`. */
  url: string;
  port: number;
  /** Port of the plain-HTTP redirect to https, when TLS is on and one is configured. */
  redirectPort?: number;
  /** SHA-256 fingerprint of the certificate served at start, when TLS is on. */
  tlsFingerprint?: string;
  /** Local networks in effect: the `local_networks` setting, else the boot config's. */
  localNetworks(): string[];
  /** Stops HTTP, WebSocket, jobs, Redis and the database (not the dataplanes: their owner stops them). */
  close(): Promise<void>;
}

/** JSON lines on stdout (journald on the appliance), URL credentials redacted. */
export function createJsonLogger(): LoggerService {
  return new RedactingJsonLogger();
}

/** Largest request body accepted (JSON), bytes: 413 beyond it. PEM bundles in recipients are the largest legitimate bodies. */
export const MAX_BODY_BYTES = 512 * 1024;

/** The OpenAPI UI and document. */
const DOCS = /^\/api\/docs(\/|$)/;

/** The OpenAPI UI and document need a session or an API token (any role): 401 otherwise. */
function docsBehindLogin(auth: AuthService): RequestHandler {
  return (req, res, next) => {
    const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
    auth.authenticate(authorization, readCookie(req.headers.cookie, SESSION_COOKIE)).then(
      (user) => (user ? next() : res.status(401).json({ statusCode: 401, message: 'The API documentation needs a login (session or API token)', error: 'Unauthorized' })),
      next,
    );
  };
}

/** Paths the control plane answers itself (everything else is the portal). */
const NOT_PORTAL = /^\/(api|healthz|metrics)(\/|$)/;

/**
 * Brotli or gzip (as the browser asks, brotli preferred) for the portal's
 * files: the initial bundle goes out about 3-4x smaller. Only compressible
 * types of 1 KiB or more; API, WebSocket, /healthz and /metrics are left as they are.
 */
function portalCompression(): ReturnType<typeof compression> {
  return compression({ filter: (req, res) => !NOT_PORTAL.test(req.path) && compression.filter(req, res) });
}

/**
 * Starts the NestJS application on the given dataplanes: REST under /api/v1,
 * OpenAPI at /api/docs, WebSocket /api/v1/live, /healthz, /metrics, the
 * portal at / when built.
 */
export async function startControlPlane(
  options: ControlPlaneOptions,
  dataplanes: ProbeDataplane[],
  logger: LoggerService | false = createJsonLogger(),
): Promise<ControlPlane> {
  // Nothing that arrives may end the process: a throw no handler caught is logged, capture goes on.
  const releaseGuard = installProcessGuard(logger);
  let app: NestExpressApplication | undefined;
  try {
    const tls = options.tls ? await loadTls(options.tls) : undefined;
    app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options, dataplanes), {
      logger,
      abortOnError: false,
      // Parsers are registered in listen(): JSON only, with a size limit.
      bodyParser: false,
      ...(tls ? { httpsOptions: tls.httpsOptions } : {}),
    });
    // The fingerprint goes to the log (the journal) as well as to the file the console shows.
    for (const note of tls?.notes ?? []) new Logger('Tls').log(note);
    return await listen(app, options, releaseGuard, tls?.fingerprint);
  } catch (err) {
    // A start that fails must not leave Redis connections or timers behind (the process would neither serve nor exit).
    await app?.close().catch(() => undefined);
    releaseGuard();
    throw err;
  }
}

/**
 * The certificate the https server starts with: the stored pair, or a
 * self-signed one generated now (first start). Before the application
 * exists, as Nest creates the https server with it.
 */
async function loadTls(tls: NonNullable<ControlPlaneOptions['tls']>): Promise<{ httpsOptions: { cert: string; key: string }; fingerprint: string; notes: string[] }> {
  const { pair, generated, problem } = await new CertificateStore(tls.dir).ensure(tls.hostname ?? osHostname());
  const info = pair.info;
  return {
    httpsOptions: { cert: pair.cert, key: pair.key },
    fingerprint: info.fingerprint_sha256,
    notes: [
      ...(problem ? [`stored TLS certificate unusable (${problem}): kept aside as *.invalid`] : []),
      `${generated ? 'generated a self-signed' : 'using the'} TLS certificate in ${tls.dir}: ${info.subject}, valid to ${info.valid_to}${info.expired ? ' (EXPIRED)' : ''}, SHA-256 fingerprint ${info.fingerprint_sha256}`,
    ],
  };
}

/** Longest a request (its body included) may take: an update bundle over a slow link. */
const UPLOAD_REQUEST_TIMEOUT_MS = 30 * 60_000;

/** Configures the created application (middleware, pipes, WebSocket, OpenAPI) and starts listening. */
async function listen(app: NestExpressApplication, options: ControlPlaneOptions, releaseGuard: () => void, tlsFingerprint?: string): Promise<ControlPlane> {
  app.disable('x-powered-by');
  // Requests in flight: flow-record work gives way to them (flow-records/time-slice.ts).
  app.use(countApiRequests);
  // JSON bodies only (no form or text parser: a form post gets 415 from RequestShapeGuard), 413 beyond the limit.
  app.useBodyParser('json', { limit: MAX_BODY_BYTES });
  app.use(bodyParserErrors());
  app.use(...securityHeaders((path) => DOCS.test(path)));
  app.use(cookieParser());
  app.useGlobalGuards(new RequestShapeGuard());
  if (options.portalDir) app.use(portalCompression(), portalIndex(options.portalDir, (path) => NOT_PORTAL.test(path)));
  app.use('/api/docs', docsBehindLogin(app.get(AuthService)));
  app.setGlobalPrefix('api/v1', { exclude: ['healthz', 'metrics'] });
  // Unknown fields are a 400 that names them; query strings are converted to the DTO's types.
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  // Every error body carries a stable `code` (api/api-exception.filter.ts).
  app.useGlobalFilters(new ApiExceptionFilter());
  app.useWebSocketAdapter(new LiveWsAdapter(app));

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('flowprobe')
      .setDescription('Network-traffic probe appliance API. Field names follow ntopng REST v2.')
      .setVersion(PRODUCT_VERSION)
      .addCookieAuth('flowprobe_session')
      .addBearerAuth()
      // Tags in the order of the portal's pages, then operations.
      .addTag('auth', 'Sign in and out, the signed-in identity')
      .addTag('interfaces', 'Capture interfaces and their counters')
      .addTag('timeseries', 'Traffic over time')
      .addTag('hosts', 'Active hosts')
      .addTag('flows', 'Active flows')
      .addTag('history', 'Stored flow records')
      .addTag('alerts', 'Engaged and past alerts')
      .addTag('recipients', 'SIEM recipients of the alerts')
      .addTag('ipfix', 'IPFIX collectors')
      .addTag('settings', 'Local networks, retention, checks')
      .addTag('users', 'Users and API tokens')
      .addTag('system', 'Appliance, HTTPS certificate, power')
      .addTag('jobs', 'Periodic jobs')
      .addTag('health', 'Health for load balancers and watchdogs')
      .addTag('metrics', 'Prometheus metrics')
      // Error answers any route may give; each carries { statusCode, message, error }, never a stack trace.
      .addGlobalResponse(
        { status: 400, description: 'Bad request: invalid parameters or body (message says which), body nested too deep or with a prototype key' },
        { status: 401, description: 'Authentication required (no, unknown, expired or malformed session cookie or token)' },
        { status: 403, description: 'Role not allowed, password change pending, or a cross-site/cross-origin state-changing request' },
        { status: 404, description: 'No such resource' },
        { status: 409, description: 'Conflicts with the current state (e.g. a name in use)' },
        { status: 413, description: 'Body larger than 512 KiB' },
        { status: 415, description: 'State-changing requests take application/json' },
        { status: 429, description: 'Too many requests (login throttling); see Retry-After' },
      )
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });

  const listenHost = options.http.host ?? '0.0.0.0';
  // An update bundle (POST /api/v1/system/upgrade, up to 1 GiB) may take longer than
  // Node's default 5 min per request on a slow management link; headers stay bounded (60 s).
  (app.getHttpServer() as { requestTimeout: number }).requestTimeout = UPLOAD_REQUEST_TIMEOUT_MS;
  await app.listen(options.http.port, listenHost);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const host = !options.http.host || options.http.host === '0.0.0.0' ? '127.0.0.1' : options.http.host;
  // Plain HTTP that only redirects to https (the caller closes the app when this fails).
  const redirect = options.tls?.redirectPort !== undefined ? await startRedirectServer(options.tls.redirectPort, listenHost, port) : undefined;
  const settings = app.get(SettingsService);
  return {
    app,
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    ...(redirect ? { redirectPort: (redirect.address() as AddressInfo).port } : {}),
    ...(tlsFingerprint ? { tlsFingerprint } : {}),
    localNetworks: () => settings.get().local_networks,
    close: async () => {
      if (redirect) await closeServer(redirect);
      await app.close();
      releaseGuard();
    },
  };
}
