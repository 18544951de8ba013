import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { databaseRoleOf, roleCan, type Permission } from '../../geo/access.js';
import type { AppEnv } from '../app.js';
import { withScope } from '../db/scope.js';
import { ApiError } from '../errors.js';
import { actorOf, findSessionPrincipal, findTokenPrincipal } from './principal.js';
import { sameSecret } from './secrets.js';

export const SESSION_COOKIE = 'atlas_session';
export const CSRF_HEADER = 'X-CSRF-Token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AuthSettings {
  idleMinutes: number;
  absoluteHours: number;
}

/**
 * Finds the caller from `Authorization: Bearer …` or the session cookie; 401 without either or
 * when it is no longer valid. Cookie-authenticated unsafe requests must echo the session's CSRF
 * token in X-CSRF-Token (bearer tokens are not sent by browsers on their own, so need none).
 */
export function authenticate(settings: AuthSettings): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const authorization = c.req.header('authorization');
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!match) throw new ApiError(401, 'Unauthenticated', 'The Authorization header must be "Bearer <token>"');
      const principal = await findTokenPrincipal(c.var.db, match[1]!);
      if (!principal) throw new ApiError(401, 'Unauthenticated', 'The token is unknown, expired or revoked');
      c.set('principal', principal);
      return next();
    }
    const secret = getCookie(c, SESSION_COOKIE);
    if (!secret) throw new ApiError(401, 'Unauthenticated', 'Sign in first');
    const principal = await findSessionPrincipal(c.var.db, secret, settings.idleMinutes);
    if (!principal) throw new ApiError(401, 'Unauthenticated', 'The session has ended: sign in again');
    if (!SAFE_METHODS.has(c.req.method)) {
      const sent = c.req.header(CSRF_HEADER);
      if (!sent || !sameSecret(sent, principal.csrfToken!)) {
        throw new ApiError(403, 'CsrfRejected', `A change needs the ${CSRF_HEADER} header of this session`);
      }
    }
    c.set('principal', principal);
    return next();
  };
}

/** Thrown inside the scoped transaction to roll it back when the handler answered with an error. */
class RollbackSignal extends Error {}

/**
 * Runs the rest of the request in one transaction as the app role, scoped to the caller's region
 * (row-level security). Handlers use `c.var.tx`. An error response rolls everything back.
 */
export function scopedTransaction(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const p = c.var.principal;
    try {
      await withScope(
        c.var.db,
        { dbRole: databaseRoleOf(p.role), scope: p.scope, staffId: p.staffId, actor: actorOf(p), requestId: c.var.requestId },
        async (tx) => {
          c.set('tx', tx);
          await next();
          if (c.error || c.res.status >= 400) throw new RollbackSignal();
        },
      );
    } catch (error) {
      if (!(error instanceof RollbackSignal)) throw error;
    }
  };
}

/** 403 unless the caller's role has `permission` (geo/access.ts). */
export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    assertPermission(c, permission);
    return next();
  };
}

export function assertPermission(c: Context<AppEnv>, permission: Permission): void {
  if (!roleCan(c.var.principal.role, permission)) {
    throw new ApiError(403, 'Forbidden', `The ${c.var.principal.role} role may not do this (${permission})`);
  }
}
