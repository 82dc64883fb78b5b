import { BadRequestException, CanActivate, ExecutionContext, ForbiddenException, Injectable, SetMetadata, UnsupportedMediaTypeException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { isSameOrigin } from './request-origin';

/** Nesting depth a request body may have (objects and arrays). */
export const MAX_BODY_DEPTH = 16;
/** Keys (all levels together) a request body may have. */
export const MAX_BODY_KEYS = 10_000;
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Keys that would reach an object's prototype when assigned. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const BINARY_BODY = 'flowprobe:binary-body';
/** A route that streams its body itself (an update bundle): it takes application/octet-stream instead of JSON. */
export const BinaryBody = (): MethodDecorator => SetMetadata(BINARY_BODY, true);

/** Why a parsed body is refused, or null: too deep, too many keys, or a prototype key. Iterative (no recursion to overflow). */
export function bodyProblem(body: unknown): string | null {
  const stack: [unknown, number][] = [[body, 1]];
  let keys = 0;
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_BODY_DEPTH) return `body nests deeper than ${MAX_BODY_DEPTH} levels`;
    for (const key of Object.keys(value)) {
      if (++keys > MAX_BODY_KEYS) return `body has more than ${MAX_BODY_KEYS} keys`;
      if (FORBIDDEN_KEYS.has(key)) return `body key "${key}" is not allowed`;
      stack.push([(value as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return null;
}

/**
 * Global guard on every HTTP route, before authentication and validation:
 * a state-changing request (POST, PUT, PATCH, DELETE) must come from the
 * portal's own origin (`Sec-Fetch-Site` same-origin or none, `Origin` equal
 * to the host when sent: 403 otherwise, the CSRF defence on top of the
 * SameSite=Strict cookie), carry JSON if it carries a body (415 otherwise,
 * so no HTML form can post), and its body must be at most
 * {@link MAX_BODY_DEPTH} deep, {@link MAX_BODY_KEYS} keys, without
 * `__proto__` / `constructor` / `prototype` keys (400). A route marked
 * {@link BinaryBody} takes application/octet-stream instead (and only that).
 */
@Injectable()
export class RequestShapeGuard implements CanActivate {
  constructor(private readonly reflector = new Reflector()) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (!STATE_CHANGING.has(req.method)) return true;
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new ForbiddenException('Cross-site request refused (Sec-Fetch-Site)');
    if (!isSameOrigin(req.headers)) throw new ForbiddenException('Cross-origin request refused (Origin does not match Host)');
    const length = req.headers['content-length'];
    const hasBody = (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
    if (this.reflector.get<boolean>(BINARY_BODY, context.getHandler())) {
      if (hasBody && !req.is('application/octet-stream')) throw new UnsupportedMediaTypeException('This request takes the file as its body (Content-Type: application/octet-stream)');
      return true;
    }
    if (hasBody && !req.is('application/json')) throw new UnsupportedMediaTypeException('State-changing requests take a JSON body (Content-Type: application/json)');
    const problem = bodyProblem(req.body);
    if (problem) throw new BadRequestException(problem);
    return true;
  }
}
