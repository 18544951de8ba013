/**
 * Command line: `npm run cli -- <command> [options]`. Runs against the configured database
 * (DATABASE_URL, or the embedded one in PINGAN_DATA_DIR, which must not be open in a running server).
 * Account and token commands run as the app role in a transaction scoped to the region's county,
 * so they obey the same policies as the API and land in the audit log as actor "cli".
 */
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { loadConfig } from './config.js';
import { openDatabase } from './db/open.js';
import { generateDemoCounty } from './demo/generate.js';
import { loadDemoCounty } from './demo/load.js';
import { createLogger } from './logger.js';
import { ACCOUNT_ROLES } from '../geo/access.js';
import {
  createAccount, createToken, listAccounts, listTokens, newAccountSchema, newTokenSchema, revokeToken, updateAccount,
} from './accounts/accounts.js';
import { newPassword } from './auth/secrets.js';
import { withScope } from './db/scope.js';
import type { Db, Transaction } from './db/types.js';
import { ApiError } from './errors.js';

const USAGE = `usage: npm run cli -- <command> [options]
  demo [--scale N] [--seed N]
          load the synthetic demo county into the configured empty database
          (DATABASE_URL, or the embedded database in PINGAN_DATA_DIR, default ./data)
          --scale N   size multiplier, default PINGAN_DEMO_SCALE or 1; 10 = city-sized
          --seed N    generator seed, default PINGAN_DEMO_SEED
  user add --username NAME --role ROLE --region CODE [--name "DISPLAY NAME"] [--password-stdin]
          create an account (roles: ${ACCOUNT_ROLES.join(', ')}; CODE: a 12-digit county,
          township or village code). Without --password-stdin a password is generated and printed once.
  user password NAME [--password-stdin]
          set a new password (generated and printed unless read from stdin)
  user list
  token create --role ROLE --region CODE [--kind api|display] [--label TEXT] [--days N]
          create an API token for scripts (or a read-only display token for a wall); printed once
  token list
  token revoke ID`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'user' || command === 'token') return accountCommand(command, rest);
  if (command !== 'demo') {
    console.error(`Unknown command "${command}".\n${USAGE}`);
    return 2;
  }
  const { values } = parseArgs({ args: rest, options: { scale: { type: 'string' }, seed: { type: 'string' } }, strict: true });
  const config = loadConfig();
  const scale = values.scale === undefined ? config.PINGAN_DEMO_SCALE : Number(values.scale);
  const seed = values.seed === undefined ? config.PINGAN_DEMO_SEED : Number(values.seed);
  if (!(scale > 0 && scale <= 50)) throw new Error(`--scale must be a number in (0, 50]; got "${values.scale}"`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer; got "${values.seed}"`);

  const log = createLogger(config.LOG_LEVEL);
  if (config.DATABASE_URL && !config.MIGRATION_DATABASE_URL) {
    throw new Error('Loading the demo into a server needs the owner: set MIGRATION_DATABASE_URL');
  }
  let report = '';
  // The load needs the owner's rights: it runs as openDatabase's owner task.
  const db = await openDatabase(config, log, async (owner) => {
    const t0 = performance.now();
    process.stderr.write(`generating the demo county (seed ${seed}, scale ${scale})…\n`);
    const demo = generateDemoCounty({ seed, scale, now: new Date() });
    const t1 = performance.now();
    let last = '';
    const counts = await loadDemoCounty(owner, demo, (step, done, total) => {
      const line = `loading ${step}: ${done}/${total}`;
      if (line !== last) process.stderr.write(`\r${line.padEnd(60)}`);
      last = line;
    });
    process.stderr.write('\n');
    report = JSON.stringify({ database: owner.kind, seed, scale, generateSeconds: +((t1 - t0) / 1000).toFixed(1), loadSeconds: +((performance.now() - t1) / 1000).toFixed(1), counts }, null, 2);
  });
  await db.close();
  console.log(report);
  console.log('No accounts were created: add one with npm run cli -- user add …');
  return 0;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Runs `fn` as the app role scoped to the county of `regionCode` (or of the first county). */
async function asCli<T>(db: Db, regionCode: string | null, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  let county = regionCode?.slice(0, 6);
  if (!county) {
    const [row] = await db.query<{ code: string }>('SELECT atlas_county_prefixes() AS code');
    if (!row) throw new Error('The database has no regions yet: load them (or the demo) first');
    county = row.code;
  }
  if (!/^\d{6}$/.test(county)) throw new Error(`--region must be a 12-digit region code; got "${regionCode}"`);
  return withScope(db, { dbRole: 'atlas_app', scope: county, staffId: null, actor: 'cli', requestId: `cli-${process.pid}` }, fn);
}

async function accountCommand(command: 'user' | 'token', argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: {
      username: { type: 'string' }, role: { type: 'string' }, region: { type: 'string' }, name: { type: 'string' },
      'password-stdin': { type: 'boolean' }, kind: { type: 'string' }, label: { type: 'string' }, days: { type: 'string' },
    },
  });
  const [sub, arg] = positionals;
  // Validate before opening the database, so a typo answers at once.
  const generated = !values['password-stdin'];
  const needsPassword = command === 'user' && (sub === 'add' || sub === 'password');
  const password = needsPassword ? (generated ? newPassword() : await readStdin()) : '';
  const newAccount = command === 'user' && sub === 'add'
    ? newAccountSchema.parse({ username: values.username, role: values.role, regionCode: values.region, displayName: values.name ?? values.username, password })
    : null;
  const newToken = command === 'token' && sub === 'create'
    ? newTokenSchema.parse({
        kind: values.kind ?? 'api', role: values.role, regionCode: values.region, label: values.label,
        expiresInDays: values.days === undefined ? undefined : Number(values.days),
      })
    : null;
  const known = newAccount || newToken || (command === 'user' && (sub === 'list' || (sub === 'password' && arg)))
    || (command === 'token' && (sub === 'list' || (sub === 'revoke' && arg)));
  if (!known) {
    console.error(`Unknown ${command} command.\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const db = await openDatabase(config, createLogger('warn'));
  try {
    if (newAccount) {
      const account = await asCli(db, newAccount.regionCode, (tx) => createAccount(tx, newAccount));
      console.log(`created ${account.role} account "${account.username}" (id ${account.id}) for region ${account.regionCode}`);
      if (generated) console.log(`password (shown once): ${password}`);
      return 0;
    }
    if (command === 'user' && sub === 'password' && arg) {
      const [found] = await db.query<{ staff_id: number; region_code: string }>('SELECT staff_id, region_code FROM atlas_login_lookup($1)', [arg]);
      if (!found) throw new Error(`No account "${arg}"`);
      await asCli(db, found.region_code, (tx) => updateAccount(tx, found.staff_id, { password }));
      console.log(generated ? `new password for "${arg}" (shown once): ${password}` : `password of "${arg}" changed`);
      return 0;
    }
    if (command === 'user' && sub === 'list') {
      console.table(await asCli(db, null, (tx) => listAccounts(tx)));
      return 0;
    }
    if (newToken) {
      const token = await asCli(db, newToken.regionCode, (tx) => createToken(tx, newToken, 'cli'));
      console.log(`created ${token.kind} token ${token.id} (${token.role}, region ${token.regionCode}${token.expiresAt ? `, expires ${new Date(token.expiresAt).toISOString()}` : ', no expiry'})`);
      console.log(`token (shown once): ${token.token}`);
      return 0;
    }
    if (command === 'token' && sub === 'list') {
      console.table(await asCli(db, null, (tx) => listTokens(tx)));
      return 0;
    }
    if (command === 'token' && sub === 'revoke' && arg) {
      const token = await asCli(db, null, (tx) => revokeToken(tx, Number(arg)));
      console.log(`revoked token ${token.id}`);
      return 0;
    }
    console.error(`Unknown ${command} command.\n${USAGE}`);
    return 2;
  } catch (error) {
    if (error instanceof ApiError) throw new Error(error.message);
    throw error;
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    if (error instanceof ZodError) {
      console.error(`error: ${error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`);
      process.exit(1);
    }
    console.error(`error: ${error.message}`);
    process.exit(1);
  },
);
