import { HttpException } from '@nestjs/common';
import type { ErrorRequestHandler } from 'express';

interface BodyParserError extends Error {
  status?: number;
  expose?: boolean;
  type?: string;
}

/**
 * Turns the body parser's client errors (413 too large, 400 bad JSON, 415
 * charset, ...) into Nest HttpExceptions, so they are answered like every
 * other 4xx (same body, same filters) and are not logged with a stack trace
 * as unexpected errors. Anything else goes on unchanged.
 */
export function bodyParserErrors(): ErrorRequestHandler {
  return (err: BodyParserError, _req, _res, next) => {
    if (err && err.expose === true && typeof err.type === 'string' && typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
      return next(new HttpException(err.message, err.status));
    }
    next(err);
  };
}
