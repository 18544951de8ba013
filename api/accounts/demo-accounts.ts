import type { AccountRole } from '../../geo/access.js';
import { newPassword } from '../auth/secrets.js';
import type { Queryable } from '../db/types.js';
import { createAccount } from './accounts.js';

/** One account per role for the demo county; the planner and operator work in one township. */
const DEMO_ACCOUNTS: { username: string; role: AccountRole; displayName: string; scope: 'county' | 'township' }[] = [
  { username: 'admin', role: 'admin', displayName: '县综治中心管理员', scope: 'county' },
  { username: 'planner', role: 'planner', displayName: '乡镇网格规划员', scope: 'township' },
  { username: 'analyst', role: 'analyst', displayName: '县公安局分析员', scope: 'county' },
  { username: 'operator', role: 'operator', displayName: '乡镇综治中心值班员', scope: 'township' },
  { username: 'display', role: 'display', displayName: '县指挥中心大屏', scope: 'county' },
];

export interface DemoCredential {
  username: string;
  password: string;
  role: AccountRole;
  regionCode: string;
  regionName: string;
}

/**
 * Creates the demo accounts with fresh random passwords, returned once to be printed at first
 * start (only their scrypt hashes are stored). Runs with the owner's rights right after the demo load.
 */
export async function createDemoAccounts(owner: Queryable): Promise<DemoCredential[]> {
  const regions = await owner.query<{ level: string; code: string; name: string }>(
    `(SELECT level, code, name FROM regions WHERE level = 'county' ORDER BY code LIMIT 1)
     UNION ALL (SELECT level, code, name FROM regions WHERE level = 'township' ORDER BY code LIMIT 1)`,
  );
  const out: DemoCredential[] = [];
  for (const account of DEMO_ACCOUNTS) {
    const region = regions.find((r) => r.level === account.scope);
    if (!region) throw new Error(`the demo county has no ${account.scope}`);
    const password = newPassword();
    await createAccount(owner, { username: account.username, displayName: account.displayName, role: account.role, regionCode: region.code, password });
    out.push({ username: account.username, password, role: account.role, regionCode: region.code, regionName: region.name });
  }
  return out;
}

/** The banner printed once at first start. */
export function formatDemoCredentials(credentials: readonly DemoCredential[], url: string): string {
  const lines = [
    `Demo accounts (shown once; only hashes are stored). Sign in at ${url}`,
    ...credentials.map((c) => `  ${c.role.padEnd(9)} ${c.username.padEnd(10)} ${c.password}   ${c.regionName} (${c.regionCode})`),
    'Lost them? npm run cli -- user password <username> (with the server stopped) sets a new one.',
  ];
  const width = Math.max(...lines.map((l) => l.length)) + 2;
  return ['='.repeat(width), ...lines, '='.repeat(width)].join('\n');
}
