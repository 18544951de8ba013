import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp, type AppOptions } from '../../api/app.js';
import { addDays, localDate } from '../../geo/local-time.js';
import { LoginThrottle } from '../../api/auth/login-throttle.js';
import type { Db } from '../../api/db/types.js';
import { createLogger } from '../../api/logger.js';
import { accountFor, TEST_PASSWORD } from '../support/accounts.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailability } from '../support/chromium.js';
import { openPgliteFromTemplate } from '../support/demo-template.js';
import { reportMissing } from '../support/environment.js';
import { MAP_READY_MS, openContext, signInThroughForm, waitForMap, type PageLog } from '../support/browser-page.js';

const ARTIFACTS = join(process.cwd(), 'tests', 'artifacts');

const ANALYST = { username: 'analyst.county', displayName: '李研判' };
const WALL = { username: 'wall.county', displayName: '指挥中心大屏' };
const LOCKED = { username: 'locked.out' };

const availability = chromiumAvailability();
const mustFail = reportMissing('browser tests', availability);

async function listen(options: AppOptions): Promise<{ server: ServerType; origin: string }> {
  const app = createApp(options);
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const focusedTestId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);

describe.skipIf(!availability.available && !mustFail)('the map in a browser (chromium)', () => {
  let db: Db;
  let servers: ServerType[] = [];
  let browser: Browser;
  let origin = '';
  /** A second server on the same database whose sign-in locks out after two failures. */
  let strictOrigin = '';
  let county = { code: '', name: '' };
  let main: { context: BrowserContext; page: Page; log: PageLog };
  let page: Page;

  beforeAll(async () => {
    if (!availability.available) throw new Error(availability.reason);
    db = await openPgliteFromTemplate(inject('pgliteTemplate'));
    const [row] = await db.query<{ code: string; name: string }>(`SELECT code, name FROM regions WHERE level = 'county'`);
    county = row!;
    await accountFor(db, ANALYST.username, 'analyst', county.code);
    await accountFor(db, WALL.username, 'display', county.code);
    await accountFor(db, LOCKED.username, 'analyst', county.code);
    // Chinese display names, so the header's glyphs are checked too.
    for (const a of [ANALYST, WALL]) {
      await db.query('UPDATE staff SET display_name = $1 WHERE username = $2', [a.displayName, a.username]);
    }
    const common = { db, log: createLogger('error'), webDist: inject('webDist') };
    const normal = await listen(common);
    const strict = await listen({
      ...common,
      auth: { throttle: new LoginThrottle({ maxFailures: 2, windowMs: 60_000, lockoutMs: 60_000, maxLockoutMs: 60_000 }) },
    });
    servers = [normal.server, strict.server];
    origin = normal.origin;
    strictOrigin = strict.origin;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    main = await openContext(browser);
    page = main.page;
  });

  afterAll(async () => {
    await browser?.close();
    for (const s of servers) s.close();
    await db?.close();
  });

  it('asks to sign in first, in Chinese, with the cursor in the username field', async () => {
    await page.goto(origin + '/');
    await page.getByTestId('login-form').waitFor();
    expect(await focusedTestId(page)).toBe('login-username');
    const text = await page.locator('body').innerText();
    for (const word of ['平安一张图', '用户名', '密码', '登录']) expect(text).toContain(word);
    // Labels name the fields (what screen readers and getByLabel go by).
    expect(await page.getByLabel('用户名').getAttribute('data-testid')).toBe('login-username');
    expect(await page.getByLabel('密码').getAttribute('data-testid')).toBe('login-password');
    expect(await page.evaluate(() => (window as any).__atlas?.user)).toBeNull();
    // Nothing but the session check and health before signing in.
    expect(main.log.requests.filter((u) => /\/api\/(layers|regions|summary)/.test(u))).toEqual([]);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'login-zh.png') });
    await page.getByTestId('lang-switch').click();
    await page.waitForFunction(() => document.body.innerText.includes('Username'));
    expect(await page.locator('body').innerText()).toContain('Pingan Atlas');
    expect(await page.getByLabel('Password').getAttribute('data-testid')).toBe('login-password');
    await page.screenshot({ path: join(ARTIFACTS, 'login-en.png') });
    await page.getByTestId('lang-switch').click();
    await page.waitForFunction(() => document.body.innerText.includes('用户名'));
  });

  it("refuses a wrong password with the server's message and stays on the form", async () => {
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
    await signInThroughForm(page, ANALYST.username, 'not-the-password');
    const response = await answer;
    expect(response.status()).toBe(401);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('InvalidCredentials');

    const shown = page.getByTestId('login-error');
    await shown.waitFor();
    const text = await shown.innerText();
    expect(text).toContain(error.message);
    expect(text).toContain('用户名或密码错误');
    expect(await page.getByTestId('login-form').isVisible()).toBe(true);
    expect(await page.evaluate(() => (window as any).__atlas?.user)).toBeNull();
    // Ready for another try: the password is selected.
    expect(await focusedTestId(page)).toBe('login-password');
    await page.screenshot({ path: join(ARTIFACTS, 'login-error-zh.png') });
  });

  it('signs in with Enter, then shows who is signed in and draws the map', async () => {
    await page.getByTestId('login-username').fill(ANALYST.username);
    await page.getByTestId('login-password').fill(TEST_PASSWORD);
    await page.getByTestId('login-password').press('Enter');
    await waitForMap(page);

    const user = await page.evaluate(() => (window as any).__atlas.user);
    expect(user).toMatchObject({ username: ANALYST.username, displayName: ANALYST.displayName, role: 'analyst', regionCode: county.code });
    expect(await page.getByTestId('login-form').count()).toBe(0);
    expect(await page.getByTestId('user-name').innerText()).toBe(ANALYST.displayName);
    expect(await page.getByTestId('user-role').innerText()).toBe('研判分析员');
    const region = await page.getByTestId('user-region').innerText();
    expect(region).toContain(county.name);
    expect(region).toContain(county.code);
    // The status line reads the new /health (no counts) without complaint.
    expect(await page.locator('header').innerText()).toContain('数据库');
    await page.locator('header').screenshot({ path: join(ARTIFACTS, 'header-zh.png') });
  }, MAP_READY_MS + 30_000);

  it('draws the county: non-blank canvas with grids, cameras and incidents loaded', async () => {
    const counts = await page.evaluate(() => (window as any).__atlas.layerCounts);
    expect(counts.regions).toBeGreaterThan(60);
    expect(counts.grids).toBeGreaterThanOrEqual(400);
    expect(counts.cameras).toBeGreaterThanOrEqual(1500);
    // Incidents come as aggregates: the count is the default window's (the last 90 local days).
    const today = localDate(Date.now());
    const [{ n }] = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM incidents WHERE occurred_at >= $1::timestamptz AND occurred_at < $2::timestamptz',
      [`${addDays(today, -89)}T00:00:00+08:00`, `${addDays(today, 1)}T00:00:00+08:00`],
    ) as [{ n: number }];
    expect(n).toBeGreaterThan(1000);
    expect(counts.incidents).toBe(n);

    // Read the WebGL canvas back (preserveDrawingBuffer) and count colours: a blank or single-colour
    // canvas means nothing drew.
    const stats = await page.evaluate(async () => {
      const canvas = (window as any).__atlas.map.getCanvas() as HTMLCanvasElement;
      const img = new Image();
      img.src = canvas.toDataURL('image/png');
      await img.decode();
      const c2 = document.createElement('canvas');
      c2.width = img.width;
      c2.height = img.height;
      const ctx = c2.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, c2.width, c2.height).data;
      const colours = new Map<number, number>();
      for (let i = 0; i < data.length; i += 4 * 7) {
        const key = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
        colours.set(key, (colours.get(key) ?? 0) + 1);
      }
      const samples = data.length / (4 * 7);
      const top = Math.max(...colours.values());
      return { width: c2.width, height: c2.height, distinct: colours.size, dominantShare: top / samples };
    });
    expect(stats.width).toBeGreaterThan(800);
    expect(stats.distinct).toBeGreaterThan(50);
    expect(stats.dominantShare).toBeLessThan(0.9);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'map-county-zh.png') });
  });

  it('shows the layer list and legend in Chinese, and switches to English', async () => {
    await expect(page.getByTestId('legend').isVisible()).resolves.toBe(true);
    expect(await page.locator('body').innerText()).toContain('平安一张图');
    expect(await page.locator('body').innerText()).toContain('网格');
    await page.getByTestId('lang-switch').click();
    await page.waitForFunction(() => document.body.innerText.includes('Grids'));
    expect(await page.locator('body').innerText()).toContain('Pingan Atlas');
    expect(await page.getByTestId('user-role').innerText()).toBe('Analyst');
    expect(await page.getByTestId('logout').innerText()).toContain('Sign out');
    await page.screenshot({ path: join(ARTIFACTS, 'map-county-en.png') });
    await page.getByTestId('lang-switch').click();
  });

  it('toggles a layer off and on', async () => {
    const toggle = page.getByTestId('layer-toggle-incidents');
    await expect(toggle.isChecked()).resolves.toBe(true);
    await toggle.click();
    await expect(toggle.isChecked()).resolves.toBe(false);
    await toggle.click();
    await expect(toggle.isChecked()).resolves.toBe(true);
  });

  it('signs out with the CSRF header back to the form, and a reload still shows the form', async () => {
    const sent = page.waitForRequest((r) => r.url().endsWith('/api/auth/logout'));
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/auth/logout'));
    await page.getByTestId('logout').click();
    const request = await sent;
    expect(request.method()).toBe('POST');
    expect(request.headers()['x-csrf-token']).toMatch(/\S{16,}/);
    expect((await answered).status()).toBe(204);

    await page.getByTestId('login-form').waitFor();
    expect(await page.evaluate(() => (window as any).__atlas.user)).toBeNull();
    expect(await page.evaluate(() => (window as any).__atlas.ready)).toBe(false);
    // A deliberate sign-out leaves nothing behind: no name in the form, no notice, no cookie.
    expect(await page.getByTestId('login-username').inputValue()).toBe('');
    expect(await page.getByTestId('login-notice').count()).toBe(0);
    expect((await main.context.cookies()).filter((c) => c.name === 'atlas_session')).toEqual([]);

    const me = page.waitForResponse((r) => r.url().endsWith('/api/auth/me'));
    await page.reload();
    expect((await me).status()).toBe(401);
    await page.getByTestId('login-form').waitFor();
    expect(await page.evaluate(() => (window as any).__atlas.user)).toBeNull();
  });

  it('a wall display account gets no patrol-track layer', async () => {
    const before = main.log.requests.length;
    await signInThroughForm(page, WALL.username, TEST_PASSWORD);
    await waitForMap(page);
    expect(await page.evaluate(() => (window as any).__atlas.user.role)).toBe('display');
    expect(await page.getByTestId('user-role').innerText()).toBe('大屏展示');
    expect(await page.getByTestId('layer-toggle-patrol_tracks').count()).toBe(0);
    expect(await page.getByTestId('layer-toggle-incidents').count()).toBe(1);
    expect(await page.getByTestId('layer-toggle-grids').count()).toBe(1);
    const since = main.log.requests.slice(before);
    expect(since.some((u) => u.endsWith('/api/layers'))).toBe(true);
    expect(since.filter((u) => u.includes('/api/layers/patrol_tracks'))).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'map-display-zh.png') });
  }, MAP_READY_MS + 30_000);

  it('made no request off its own origin, logged no errors and broke no Content-Security-Policy rule', async () => {
    // The policy under test is really there, and strict about scripts.
    const response = await fetch(origin + '/');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);

    const offOrigin = main.log.requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(offOrigin).toEqual([]);
    expect(main.log.requests.some((u) => u.includes('/api/analytics/incident-clusters'))).toBe(true);
    // A city's incidents are never downloaded as features.
    expect(main.log.requests.some((u) => u.includes('/api/layers/incidents/features'))).toBe(false);
    expect(main.log.consoleErrors).toEqual([]);
    expect(main.log.cspViolations).toEqual([]);
  });

  it('the session ending on the server brings back the sign-in form with a message', async () => {
    const { context, page: other, log } = await openContext(browser);
    try {
      await other.goto(origin + '/');
      await signInThroughForm(other, ANALYST.username, TEST_PASSWORD);
      await waitForMap(other);
      // The cookie goes (as when the server ends an idle session); the next API call gets 401.
      await context.clearCookies();
      await other.getByTestId('layer-toggle-key_places').click();
      const notice = other.getByTestId('login-notice');
      await notice.waitFor();
      expect(await notice.innerText()).toContain('会话已结束，请重新登录');
      expect(await other.evaluate(() => (window as any).__atlas.user)).toBeNull();
      // The same person is likely back: their name stays, the cursor waits in the password.
      expect(await other.getByTestId('login-username').inputValue()).toBe(ANALYST.username);
      expect(await focusedTestId(other)).toBe('login-password');
      await other.screenshot({ path: join(ARTIFACTS, 'session-ended-zh.png') });
      await other.getByTestId('lang-switch').click();
      await other.waitForFunction(() => document.body.innerText.includes('Your session has ended: sign in again'));
      expect(log.cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  }, MAP_READY_MS + 30_000);

  it("shows the server's lockout message after too many failures (429)", async () => {
    const { context, page: other } = await openContext(browser);
    try {
      await other.goto(strictOrigin + '/');
      const statuses: number[] = [];
      let message = '';
      for (let attempt = 0; attempt < 3; attempt++) {
        const answer = other.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
        await signInThroughForm(other, LOCKED.username, 'wrong-password');
        const response = await answer;
        statuses.push(response.status());
        message = ((await response.json()) as { error: { message: string } }).error.message;
        await other.waitForFunction(() => !document.querySelector('[data-testid="login-submit"]')?.hasAttribute('disabled'));
      }
      expect(statuses).toEqual([401, 401, 429]);
      const text = await other.getByTestId('login-error').innerText();
      expect(text).toContain(message);
      expect(text).toContain('登录失败次数过多');
      expect(await other.getByTestId('login-form').isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  });
});

if (mustFail) {
  describe('the map in a browser (chromium)', () => {
    it('needs chromium', () => {
      throw new Error(availability.reason);
    });
  });
}
