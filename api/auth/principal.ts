import type { AccountRole } from '../../geo/access.js';
import type { Queryable } from '../db/types.js';
import { hashSecret } from './secrets.js';

/** Who is calling, as found from a session cookie or a bearer token. */
export interface Principal {
  kind: 'session' | 'token';
  staffId: number | null;
  tokenId: number | null;
  username: string | null;
  displayName: string | null;
  role: AccountRole;
  regionCode: string;
  /** Region code prefix for row-level security. */
  scope: string;
  /** Sessions only: the token every unsafe request must echo in X-CSRF-Token. */
  csrfToken: string | null;
  expiresAt: string | null;
}

/** How the audit log and the request log name the caller. */
export function actorOf(p: Principal): string {
  if (p.kind === 'session') return `user:${p.username}`;
  return p.username ? `token:${p.tokenId}:${p.username}` : `token:${p.tokenId}`;
}

interface SessionRow {
  staff_id: number;
  username: string;
  display_name: string;
  role: AccountRole;
  region_code: string;
  scope: string | null;
  csrf_token: string;
  expires_at: Date;
}

/** The principal of a live session, or null (unknown, revoked, idle too long, expired, account off). */
export async function findSessionPrincipal(db: Queryable, secret: string, idleMinutes: number): Promise<Principal | null> {
  const [row] = await db.query<SessionRow>('SELECT * FROM atlas_session_principal($1, make_interval(mins => $2))', [hashSecret(secret), idleMinutes]);
  if (!row || !row.scope) return null;
  return {
    kind: 'session', staffId: row.staff_id, tokenId: null, username: row.username, displayName: row.display_name,
    role: row.role, regionCode: row.region_code, scope: row.scope, csrfToken: row.csrf_token, expiresAt: row.expires_at.toISOString(),
  };
}

interface TokenRow {
  token_id: number;
  staff_id: number | null;
  username: string | null;
  kind: 'api' | 'display';
  role: AccountRole;
  region_code: string;
  scope: string | null;
  expires_at: Date | null;
}

/** The principal of a live bearer token, or null (unknown, revoked, expired, its account off). */
export async function findTokenPrincipal(db: Queryable, secret: string): Promise<Principal | null> {
  const [row] = await db.query<TokenRow>('SELECT * FROM atlas_token_principal($1)', [hashSecret(secret)]);
  if (!row || !row.scope) return null;
  return {
    kind: 'token', staffId: row.staff_id, tokenId: row.token_id, username: row.username, displayName: null,
    role: row.kind === 'display' ? 'display' : row.role, regionCode: row.region_code, scope: row.scope, csrfToken: null,
    expiresAt: row.expires_at ? row.expires_at.toISOString() : null,
  };
}
