import { z } from 'zod';
import { ACCOUNT_ROLES, type AccountRole } from '../../geo/access.js';
import { checkPasswordPolicy, hashPassword } from '../auth/password.js';
import { hashSecret, newSecret } from '../auth/secrets.js';
import type { Queryable } from '../db/types.js';
import { ApiError } from '../errors.js';

/**
 * Staff accounts and API tokens: the one implementation behind the admin API, the CLI and the demo
 * accounts. Every function takes the caller's transaction: through the API and the CLI that is a
 * scoped one, so row-level security keeps an admin to accounts of their own region.
 */

const password = z.string().superRefine((value, ctx) => {
  const problem = checkPasswordPolicy(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const newAccountSchema = z.strictObject({
  username: z.string().regex(/^[a-z0-9_.-]{2,64}$/, 'username: 2–64 of a–z, 0–9, _ . -'),
  displayName: z.string().trim().min(1).max(100),
  role: z.enum(ACCOUNT_ROLES),
  regionCode: z.string().regex(/^\d{12}$/, 'regionCode: a 12-digit region code'),
  password,
});
export type NewAccount = z.infer<typeof newAccountSchema>;

export const accountPatchSchema = z.strictObject({
  displayName: z.string().trim().min(1).max(100).optional(),
  role: z.enum(ACCOUNT_ROLES).optional(),
  regionCode: z.string().regex(/^\d{12}$/, 'regionCode: a 12-digit region code').optional(),
  active: z.boolean().optional(),
  password: password.optional(),
});
export type AccountPatch = z.infer<typeof accountPatchSchema>;

export interface AccountView {
  id: number;
  username: string;
  displayName: string;
  role: AccountRole;
  regionCode: string;
  active: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

const ACCOUNT_COLUMNS = `id, username, display_name AS "displayName", role, region_code AS "regionCode", active,
  created_at AS "createdAt", last_login_at AS "lastLoginAt"`;

/**
 * Checks that `code` is a county, township or village the caller can see. Rows outside the caller's
 * subtree (ancestors are visible for breadcrumbs) are refused by the policies' WITH CHECK on write.
 */
export async function assertAccountRegion(tx: Queryable, code: string): Promise<void> {
  const [row] = await tx.query<{ level: string }>('SELECT level FROM regions WHERE code = $1', [code]);
  if (!row) throw new ApiError(400, 'ValidationFailed', `regionCode: no region ${code} in your scope`);
  if (!['county', 'township', 'village'].includes(row.level)) {
    throw new ApiError(400, 'ValidationFailed', `regionCode: accounts belong to a county, township or village, not a ${row.level}`);
  }
}

export async function createAccount(tx: Queryable, input: NewAccount): Promise<AccountView> {
  await assertAccountRegion(tx, input.regionCode);
  const [taken] = await tx.query('SELECT 1 FROM atlas_login_lookup($1)', [input.username]);
  if (taken) throw new ApiError(409, 'Conflict', `username "${input.username}" is taken`);
  const [row] = await tx.query<{ id: number }>(
    `INSERT INTO staff (username, display_name, role, region_code, password_hash, active) VALUES ($1, $2, $3, $4, $5, true) RETURNING id`,
    [input.username, input.displayName, input.role, input.regionCode, await hashPassword(input.password)],
  );
  return (await findAccount(tx, row!.id))!;
}

export async function findAccount(tx: Queryable, id: number): Promise<AccountView | null> {
  const [row] = await tx.query<AccountView>(`SELECT ${ACCOUNT_COLUMNS} FROM staff WHERE id = $1 AND role <> 'grid_worker'`, [id]);
  return row ?? null;
}

export async function listAccounts(tx: Queryable): Promise<AccountView[]> {
  return tx.query<AccountView>(`SELECT ${ACCOUNT_COLUMNS} FROM staff WHERE role <> 'grid_worker' ORDER BY username`);
}

export async function updateAccount(tx: Queryable, id: number, patch: AccountPatch): Promise<AccountView> {
  if (!(await findAccount(tx, id))) throw new ApiError(404, 'NotFound', `No account ${id}`);
  if (patch.regionCode) await assertAccountRegion(tx, patch.regionCode);
  const sets: string[] = [];
  const params: unknown[] = [id];
  const set = (column: string, value: unknown) => {
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  };
  if (patch.displayName !== undefined) set('display_name', patch.displayName);
  if (patch.role !== undefined) set('role', patch.role);
  if (patch.regionCode !== undefined) set('region_code', patch.regionCode);
  if (patch.active !== undefined) set('active', patch.active);
  if (patch.password !== undefined) set('password_hash', await hashPassword(patch.password));
  if (sets.length) await tx.query(`UPDATE staff SET ${sets.join(', ')} WHERE id = $1`, params);
  return (await findAccount(tx, id))!;
}

// ---------------------------------------------------------------------------------------------
export const newTokenSchema = z.strictObject({
  kind: z.enum(['api', 'display']).default('api'),
  role: z.enum(ACCOUNT_ROLES).default('display'),
  regionCode: z.string().regex(/^\d{12}$/, 'regionCode: a 12-digit region code'),
  label: z.string().trim().min(1).max(100).optional(),
  /** Days until it expires; omitted = never (display tokens on a wall), revoke to end it. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
}).refine((t) => t.kind !== 'display' || t.role === 'display', { message: 'a display token has the role display', path: ['role'] });
export type NewToken = z.infer<typeof newTokenSchema>;

export interface TokenView {
  id: number;
  kind: 'api' | 'display';
  role: AccountRole;
  regionCode: string;
  label: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  createdBy: string | null;
  lastUsedAt: string | null;
}

const TOKEN_COLUMNS = `id, kind, role, region_code AS "regionCode", label, created_at AS "createdAt", expires_at AS "expiresAt",
  revoked_at AS "revokedAt", created_by AS "createdBy", last_used_at AS "lastUsedAt"`;

/** Creates a token; its secret is returned this once and only its hash is kept. */
export async function createToken(tx: Queryable, input: NewToken, createdBy: string): Promise<TokenView & { token: string }> {
  await assertAccountRegion(tx, input.regionCode);
  const token = newSecret(input.kind === 'display' ? 'pad_' : 'pat_');
  const [row] = await tx.query<{ id: number }>(
    `INSERT INTO api_tokens (kind, role, region_code, label, token_hash, expires_at, created_by)
     VALUES ($1, $2, $3, $4, $5, CASE WHEN $6::int IS NULL THEN NULL ELSE now() + make_interval(days => $6::int) END, $7)
     RETURNING id`,
    [input.kind, input.kind === 'display' ? 'display' : input.role, input.regionCode, input.label ?? null, hashSecret(token), input.expiresInDays ?? null, createdBy],
  );
  const [view] = await tx.query<TokenView>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE id = $1`, [row!.id]);
  return { ...view!, token };
}

export async function listTokens(tx: Queryable): Promise<TokenView[]> {
  return tx.query<TokenView>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens ORDER BY id`);
}

/** Revokes a token at once; a token of another region is "not found". */
export async function revokeToken(tx: Queryable, id: number): Promise<TokenView> {
  const [row] = await tx.query<TokenView>(
    `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${TOKEN_COLUMNS}`,
    [id],
  );
  if (!row) throw new ApiError(404, 'NotFound', `No token ${id}`);
  return row;
}
