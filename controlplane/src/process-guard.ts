import type { LoggerService } from '@nestjs/common';

let installed: { logger: LoggerService | false; count: number; users: number } | null = null;

function describe(err: unknown): { message: string; stack?: string } {
  if (err instanceof Error) return { message: `${err.name}: ${err.message}`, stack: err.stack };
  return { message: String(err) };
}

function report(origin: string, err: unknown): void {
  if (!installed) return;
  installed.count++;
  const { message, stack } = describe(err);
  const line = `Last-resort guard caught an ${origin} (the process keeps running): ${message}`;
  if (installed.logger) installed.logger.error(line, stack, 'ProcessGuard');
  else process.stderr.write(`${JSON.stringify({ level: 'error', context: 'ProcessGuard', message: line, stack })}\n`);
}

const onException = (err: unknown): void => report('uncaught exception', err);
const onRejection = (reason: unknown): void => report('unhandled rejection', reason);

/**
 * Last line of defence of a probe that must keep capturing: an exception no
 * request handler, WebSocket upgrade or timer caught, or a promise rejection
 * nobody handled, is logged with its cause instead of ending the process
 * (Node's default for both). Every entry point is meant to handle its own
 * errors (a 4xx, a closed socket); this only keeps a missed case from taking
 * capture, API and jobs down with it. Installed once per process while any
 * control plane runs (the logger is that of the one started last); the
 * returned function releases it.
 */
export function installProcessGuard(logger: LoggerService | false): () => void {
  if (installed) {
    installed.logger = logger;
    installed.users++;
  } else {
    installed = { logger, count: 0, users: 1 };
    process.on('uncaughtException', onException);
    process.on('unhandledRejection', onRejection);
  }
  let released = false;
  return () => {
    if (released || !installed) return;
    released = true;
    if (--installed.users > 0) return;
    installed = null;
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}

/** How many errors the guard has caught since it was installed. */
export function processGuardCount(): number {
  return installed?.count ?? 0;
}
