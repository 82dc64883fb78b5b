import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import type { ApiError } from './common.types';

/** `code` of an HTTP error that carries none of its own, by status. */
const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_ERROR',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
};

/** Dataplane codes that are the client's fault (a 400), not the probe's. */
const CLIENT_DATAPLANE_CODES = new Set(['QUERY_BAD_VALUE']);

/** A coded error from @flowprobe/dataplane (DataplaneError and its subclasses), recognised across module copies. */
function dataplaneCode(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) ? code : undefined;
}

/** The body of an error answer: Nest's `{ statusCode, message, error }` plus a stable `code`. */
export function apiErrorBody(err: unknown): ApiError {
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const res = err.getResponse();
    const fields = typeof res === 'string' ? { message: res } : (res as Record<string, unknown>);
    const message = (fields.message as string | string[] | undefined) ?? err.message;
    const explicit = typeof fields.code === 'string' ? fields.code : undefined;
    // class-validator's list of messages: the request failed validation.
    const code = explicit ?? (status === 400 && Array.isArray(message) ? 'VALIDATION_FAILED' : (STATUS_CODES[status] ?? `HTTP_${status}`));
    const error = typeof fields.error === 'string' ? fields.error : undefined;
    return { statusCode: status, message, ...(error ? { error } : {}), code };
  }
  const code = dataplaneCode(err);
  if (code && CLIENT_DATAPLANE_CODES.has(code)) return { statusCode: HttpStatus.BAD_REQUEST, message: (err as Error).message, error: 'Bad Request', code };
  if (code) return { statusCode: HttpStatus.SERVICE_UNAVAILABLE, message: (err as Error).message, error: 'Service Unavailable', code };
  return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error', error: 'Internal Server Error', code: 'INTERNAL_ERROR' };
}

/**
 * Puts a stable `code` in every API error body. Nest's standard exceptions keep
 * their status and message (the code comes from the exception's response
 * `code`, else from the status); dataplane errors keep their own code (a bad
 * query value is a 400, a capture failure a 503); anything else is a 500 whose
 * detail goes to the log, not to the client.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(err: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw err;
    const res = host.switchToHttp().getResponse<Response>();
    const body = apiErrorBody(err);
    if (body.statusCode >= 500 && !(err instanceof HttpException)) this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    if (res.headersSent) return;
    res.status(body.statusCode).json(body);
  }
}
