import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import { z } from 'zod';
import { ACCOUNT_ROLES, PERMISSIONS, roleCan, type AccountRole, type Permission } from '../../geo/access.js';
import type { AppEnv } from '../app.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import { authenticate, SESSION_COOKIE, type AuthSettings } from '../auth/middleware.js';
import { hashPassword, verifyPassword } from '../auth/password.js';
import { hashSecret, newSecret } from '../auth/secrets.js';
import { ApiError } from '../errors.js';
import { readJson } from './read-json.js';

const loginSchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});

interface LoginRow {
  staff_id: number;
  username: string;
  display_name: string;
  role: string;
  region_code: string;
  scope: string | null;
  password_hash: string | null;
  active: boolean;
}

// Verified against when the username is unknown, so a wrong name costs as long as a wrong password.
let decoyHash: Promise<string> | null = null;

function permissionsOf(role: AccountRole): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => roleCan(role, p));
}

function clientAddress(c: Parameters<typeof getConnInfo>[0]): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in tests has no socket
  }
}

export interface AuthRouteOptions extends AuthSettings {
  throttle: LoginThrottle;
  cookieSecure: 'auto' | 'true' | 'false';
}

/** Sign-in (public) and the session's own routes. */
export function authRoutes(options: AuthRouteOptions) {
  const requireAuth = authenticate(options);
  return new Hono<AppEnv>()
    .post('/login', async (c) => {
      const body = loginSchema.safeParse(await readJson(c));
      if (!body.success) throw new ApiError(400, 'ValidationFailed', 'username and password are required');
      const { username, password } = body.data;
      const keys = [`user:${username.toLowerCase()}`, `addr:${clientAddress(c)}`];
      const waitMs = options.throttle.retryAfterMs(keys);
      if (waitMs > 0) {
        c.header('Retry-After', String(Math.ceil(waitMs / 1000)));
        throw new ApiError(429, 'TooManyAttempts', `Too many failed sign-ins: try again in ${Math.ceil(waitMs / 60_000)} minute(s)`);
      }
      const [row] = await c.var.db.query<LoginRow>('SELECT * FROM atlas_login_lookup($1)', [username]);
      decoyHash ??= hashPassword('decoy-password-never-matches');
      const ok = row?.password_hash && row.active && row.scope && (ACCOUNT_ROLES as readonly string[]).includes(row.role)
        ? await verifyPassword(password, row.password_hash)
        : (await verifyPassword(password, await decoyHash), false);
      if (!ok || !row) {
        options.throttle.recordFailure(keys);
        c.set('auditReason', `sign-in failed for "${username}"`);
        throw new ApiError(401, 'InvalidCredentials', 'Wrong username or password, or the account is disabled');
      }
      options.throttle.recordSuccess(keys[0]!);
      const secret = newSecret();
      const csrfToken = newSecret();
      await c.var.db.query('SELECT atlas_session_open($1, $2, $3, make_interval(hours => $4))', [
        hashSecret(secret), row.staff_id, csrfToken, options.absoluteHours,
      ]);
      const secure = options.cookieSecure === 'true' || (options.cookieSecure === 'auto' && new URL(c.req.url).protocol === 'https:');
      setCookie(c, SESSION_COOKIE, secret, {
        httpOnly: true, sameSite: 'Strict', path: '/', secure, maxAge: options.absoluteHours * 3600,
      });
      c.set('auditReason', `signed in as ${row.username}`);
      const role = row.role as AccountRole;
      return c.json({
        user: { id: row.staff_id, username: row.username, displayName: row.display_name, role, regionCode: row.region_code },
        permissions: permissionsOf(role),
        csrfToken,
        idleMinutes: options.idleMinutes,
      });
    })
    .get('/me', requireAuth, (c) => {
      const p = c.var.principal;
      return c.json({
        user: { id: p.staffId, username: p.username, displayName: p.displayName, role: p.role, regionCode: p.regionCode },
        kind: p.kind,
        permissions: permissionsOf(p.role),
        csrfToken: p.csrfToken,
        expiresAt: p.expiresAt,
        idleMinutes: options.idleMinutes,
      });
    })
    .post('/logout', requireAuth, async (c) => {
      const secret = getCookie(c, SESSION_COOKIE);
      if (secret) await c.var.db.query('SELECT atlas_session_close($1)', [hashSecret(secret)]);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    });
}
