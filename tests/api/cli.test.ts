import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { createPgliteInstance, openPglite, wrapPglite } from '../../api/db/pglite.js';
import { createLogger } from '../../api/logger.js';
import { bearer, json } from '../support/accounts.js';
import { describeEachDatabase } from '../support/databases.js';

const quiet = createLogger('error', () => undefined);

/** Runs `npm run cli -- …` (tsx api/cli.ts) with `env`; returns exit code and output. */
function cli(args: string[], env: Record<string, string>, input?: string) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'api/cli.ts', ...args], {
    env: { ...process.env, LOG_LEVEL: 'error', ...env }, encoding: 'utf8', input, timeout: 120_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

const shownOnce = (out: string, what: 'password' | 'token') => new RegExp(`${what} \\(shown once\\): (\\S+)`).exec(out)?.[1] ?? '';

describe('the CLI on the embedded database (first admin, tokens, password reset)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-cli-'));
  const env = { PINGAN_DATA_DIR: dir };
  let county = '';
  beforeAll(async () => {
    // A data folder holding the test demo, restored from the template.
    const pg = await createPgliteInstance(dir, new Blob([readFileSync(inject('pgliteTemplate'))]));
    const db = await wrapPglite(pg);
    county = (await db.query<{ code: string }>(`SELECT code FROM regions WHERE level = 'county'`))[0]!.code;
    await db.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Opens the folder between CLI runs (the CLI locks it while it runs). */
  async function withApp<T>(fn: (app: ReturnType<typeof createApp>) => Promise<T>): Promise<T> {
    const db = await openPglite({ dataDir: dir });
    try {
      return await fn(createApp({ db, log: quiet, webDist: null }));
    } finally {
      await db.close();
    }
  }

  it('user add creates the first admin with a password printed once; it signs in', async () => {
    const run = cli(['user', 'add', '--username', 'boss', '--role', 'admin', '--region', county, '--name', '县管理员'], env);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('created admin account "boss"');
    const password = shownOnce(run.out, 'password');
    expect(password.length).toBeGreaterThanOrEqual(16);
    await withApp(async (app) => {
      const res = await app.request('/api/auth/login', json('POST', { username: 'boss', password }, {}));
      expect(res.status).toBe(200);
      expect((await res.json()).user.role).toBe('admin');
    });
    // While a server holds the folder the CLI says so instead of corrupting it.
    await withApp(async () => {
      const busy = cli(['user', 'list'], env);
      expect(busy.code).toBe(1);
      expect(busy.err).toMatch(/in use|locked/i);
    });
  });

  it('token create gives a working token once; token revoke ends it', async () => {
    const made = cli(['token', 'create', '--role', 'analyst', '--region', county, '--label', 'nightly export', '--days', '30'], env);
    expect(made.code).toBe(0);
    const token = shownOnce(made.out, 'token');
    expect(token).toMatch(/^pat_/);
    const id = /created api token (\d+)/.exec(made.out)![1]!;
    await withApp(async (app) => {
      expect((await app.request('/api/summary', { headers: bearer(token) })).status).toBe(200);
      const audit = await (await app.request('/api/audit?table=api_tokens', { headers: bearer(token) })).json();
      expect(audit.error.code).toBe('Forbidden'); // analysts do not read the audit log
    });
    const revoked = cli(['token', 'revoke', id], env);
    expect(revoked.code).toBe(0);
    await withApp(async (app) => {
      expect((await app.request('/api/summary', { headers: bearer(token) })).status).toBe(401);
    });
  });

  it('user password sets a new password (old one stops working); from stdin too', async () => {
    const reset = cli(['user', 'password', 'boss', '--password-stdin'], env, 'a-new-passphrase-2026\n');
    expect(reset.code).toBe(0);
    await withApp(async (app) => {
      expect((await app.request('/api/auth/login', json('POST', { username: 'boss', password: 'a-new-passphrase-2026' }, {}))).status).toBe(200);
    });
  });

  it.each([
    [['user', 'add', '--username', 'x1', '--role', 'root', '--region', '330699000000'], /role/],
    [['user', 'add', '--username', 'x2', '--role', 'admin', '--region', '123'], /regionCode: a 12-digit region code/],
    [['user', 'add', '--username', 'x3', '--role', 'admin', '--region', '999999000000'], /no region 999999000000/],
    [['user', 'password', 'nobody'], /No account "nobody"/],
    [['token', 'create', '--kind', 'display', '--role', 'admin', '--region', '330699000000'], /display token has the role display/],
    [['frobnicate'], /Unknown command/],
  ])('refuses %j with a clear message', (args, message) => {
    const run = cli(args as string[], env);
    expect(run.code).not.toBe(0);
    expect(run.err).toMatch(message);
  });
});

describeEachDatabase('the CLI on a server, as the app\'s login role', ({ test, owner, engine }) => {
  it('token create works through DATABASE_URL alone; demo loading asks for the owner', async () => {
    if (engine === 'pglite') return; // the embedded folder is covered above
    const { appUrl } = test();
    const [county] = await owner().query<{ code: string }>(`SELECT code FROM regions WHERE level = 'county'`);
    const made = cli(['token', 'create', '--kind', 'display', '--role', 'display', '--region', county!.code], { DATABASE_URL: appUrl! });
    expect(made.err).toBe('');
    expect(made.code).toBe(0);
    const token = shownOnce(made.out, 'token');
    expect(token).toMatch(/^pad_/);
    const [row] = await owner().query<{ kind: string; created_by: string }>('SELECT kind, created_by FROM api_tokens ORDER BY id DESC LIMIT 1');
    expect(row).toEqual({ kind: 'display', created_by: 'cli' });
    const [audit] = await owner().query<{ actor: string }>(`SELECT actor FROM audit_log WHERE table_name = 'api_tokens' ORDER BY id DESC LIMIT 1`);
    expect(audit!.actor).toBe('cli');
    const demo = cli(['demo'], { DATABASE_URL: appUrl! });
    expect(demo.code).toBe(1);
    expect(demo.err).toMatch(/MIGRATION_DATABASE_URL/);
  });
});
