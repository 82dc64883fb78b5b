import { ConsoleLogger } from '@nestjs/common';
import { redactUrlCredentials } from './redact';

function redact(value: unknown): unknown {
  if (typeof value === 'string') return redactUrlCredentials(value);
  if (value instanceof Error) {
    const copy = new Error(redactUrlCredentials(value.message));
    copy.name = value.name;
    copy.stack = value.stack && redactUrlCredentials(value.stack);
    return copy;
  }
  return value;
}

/**
 * JSON lines on stdout (journald on the appliance) with the credentials of
 * every URL in a message or stack replaced by `***`: whatever a module or a
 * library puts in a log line, a Redis password does not reach the journal.
 * Request bodies are never logged by the control plane.
 */
export class RedactingJsonLogger extends ConsoleLogger {
  constructor() {
    super({ json: true, colors: false });
  }

  override log(message: unknown, ...rest: unknown[]): void {
    super.log(redact(message), ...rest.map(redact));
  }

  override error(message: unknown, ...rest: unknown[]): void {
    super.error(redact(message), ...rest.map(redact));
  }

  override warn(message: unknown, ...rest: unknown[]): void {
    super.warn(redact(message), ...rest.map(redact));
  }

  override debug(message: unknown, ...rest: unknown[]): void {
    super.debug(redact(message), ...rest.map(redact));
  }

  override verbose(message: unknown, ...rest: unknown[]): void {
    super.verbose(redact(message), ...rest.map(redact));
  }

  override fatal(message: unknown, ...rest: unknown[]): void {
    super.fatal(redact(message), ...rest.map(redact));
  }
}
