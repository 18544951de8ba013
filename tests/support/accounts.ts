import type { Hono } from 'hono';
import { createAccount, createToken } from '../../api/accounts/accounts.js';
import type { Queryable } from '../../api/db/types.js';
import type { AccountRole } from '../../geo/access.js';

/** The password of every test account (long enough for the policy; never used outside tests). */
export const TEST_PASSWORD = 'test-password-1234';

export interface Region {
  code: string;
  name: string;
}

/**
 * Two villages in different townships, each with incidents, and their townships and county: the
 * regions the scope tests play against each other.
 */
export interface TestRegions {
  county: Region;
  townshipX: Region;
  villageX: Region;
  townshipY: Region;
  villageY: Region;
}

export async function pickTestRegions(owner: Queryable): Promise<TestRegions> {
  const villages = await owner.query<{ code: string; name: string; parent_code: string }>(
    `SELECT r.code, r.name, r.parent_code FROM regions r
     WHERE r.level = 'village' AND (SELECT count(*) FROM incidents i WHERE i.village_code = r.code) >= 50
       AND (SELECT count(*) FROM current_grids g WHERE g.village_code = r.code) >= 2
     ORDER BY r.code`,
  );
  const x = villages[0]!;
  const y = villages.find((v) => v.parent_code !== x.parent_code)!;
  const named = async (code: string): Promise<Region> => {
    const [r] = await owner.query<Region>('SELECT code, name FROM regions WHERE code = $1', [code]);
    return r!;
  };
  const [county] = await owner.query<Region>(`SELECT code, name FROM regions WHERE level = 'county'`);
  return {
    county: county!, townshipX: await named(x.parent_code), villageX: { code: x.code, name: x.name },
    townshipY: await named(y.parent_code), villageY: { code: y.code, name: y.name },
  };
}

/** A bearer token for `role` in `regionCode`, made with the owner's rights (test set-up). */
export async function tokenFor(owner: Queryable, role: AccountRole, regionCode: string, extra: { expiresInDays?: number } = {}): Promise<{ id: number; token: string }> {
  const made = await createToken(owner, { kind: role === 'display' ? 'display' : 'api', role, regionCode, ...extra }, 'test-setup');
  return { id: made.id, token: made.token };
}

/** An account with TEST_PASSWORD, made with the owner's rights. */
export async function accountFor(owner: Queryable, username: string, role: AccountRole, regionCode: string) {
  return createAccount(owner, { username, displayName: username, role, regionCode, password: TEST_PASSWORD });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Signs in through the API; returns the headers later requests need (cookie, and CSRF for changes). */
export async function signIn(app: Hono<any>, username: string, password = TEST_PASSWORD): Promise<{ cookie: string; csrf: string; headers: Record<string, string> }> {
  const res = await app.request('/api/auth/login', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${username} failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, csrf: csrfToken, headers: { cookie, 'x-csrf-token': csrfToken } };
}

/** JSON request helper. */
export function json(method: string, body: unknown, headers: Record<string, string>): RequestInit {
  return { method, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
