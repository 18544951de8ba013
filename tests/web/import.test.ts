import { copyFileSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { zipSync } from 'fflate';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../api/app.js';
import type { Db } from '../../api/db/types.js';
import { createLogger } from '../../api/logger.js';
import { accountFor, pickTestRegions, TEST_PASSWORD, type TestRegions } from '../support/accounts.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailability } from '../support/chromium.js';
import { openPgliteFromTemplate } from '../support/demo-template.js';
import { reportMissing } from '../support/environment.js';
import { openContext, type PageLog } from '../support/browser-page.js';

const ARTIFACTS = join(process.cwd(), 'tests', 'artifacts');
const SCREENSHOTS = join(process.cwd(), 'docs', 'screenshots');
const MAP_READY_MS = 120_000;

const PLANNER = { username: 'planner.village', displayName: '王规划' };
/** Key places of the GeoJSON file: three inside the planner's village, the second one outside. */
const PLACES = [
  { name: '城南小学', place_type: 'school', risk_level: 'medium', inside: true },
  { name: '外村危化品仓库', place_type: 'hazardous_goods', risk_level: 'high', inside: false },
  { name: '人民医院分院', place_type: 'hospital', risk_level: 'medium', inside: true },
  { name: '村口农贸市场', place_type: 'market', risk_level: 'low', inside: true },
] as const;

const availability = chromiumAvailability();
const mustFail = reportMissing('browser tests', availability);

const focusedTestId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);

describe.skipIf(!availability.available && !mustFail)('the import dialog in a browser (chromium)', () => {
  let db: Db;
  let server: ServerType;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let origin = '';
  let regions: TestRegions;
  let log: PageLog;
  let file = '';
  /** Posts to /api/imports as the browser sent them. */
  const uploads: { url: string; headers: Record<string, string> }[] = [];

  beforeAll(async () => {
    if (!availability.available) throw new Error(availability.reason);
    db = await openPgliteFromTemplate(inject('pgliteTemplate'));
    regions = await pickTestRegions(db);
    await accountFor(db, PLANNER.username, 'planner', regions.villageX.code);
    await db.query('UPDATE staff SET display_name = $1 WHERE username = $2', [PLANNER.displayName, PLANNER.username]);

    // Points well inside the village: its incidents' positions (the demo places them in grids).
    const inside = await db.query<{ x: number; y: number }>(
      `SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM incidents WHERE village_code = $1 AND grid_code IS NOT NULL ORDER BY id LIMIT 3`,
      [regions.villageX.code],
    );
    const [outside] = await db.query<{ x: number; y: number }>(
      `SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM incidents WHERE village_code = $1 ORDER BY id LIMIT 1`, [regions.villageY.code],
    );
    let next = 0;
    file = JSON.stringify({
      type: 'FeatureCollection',
      features: PLACES.map(({ inside: isInside, ...properties }) => {
        const p = isInside ? inside[next++]! : outside!;
        return { type: 'Feature', geometry: { type: 'Point', coordinates: [p.x, p.y] }, properties };
      }),
    });

    const app = createApp({ db, log: createLogger('error'), webDist: inject('webDist') });
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    ({ context, page, log } = await openContext(browser));
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/imports') uploads.push({ url: r.url(), headers: r.headers() });
    });
    mkdirSync(ARTIFACTS, { recursive: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    server?.close();
    await db?.close();
  });

  it('a planner signs in and opens the import dialog from the header, focused on the first field', async () => {
    await page.goto(origin + '/');
    await page.getByTestId('login-form').waitFor();
    await page.getByTestId('login-username').fill(PLANNER.username);
    await page.getByTestId('login-password').fill(TEST_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForFunction(() => (window as any).__atlas?.ready === true, null, { timeout: MAP_READY_MS });

    await page.getByTestId('import-open').click();
    const dialog = page.getByTestId('import-dialog');
    await dialog.waitFor();
    expect(await dialog.getAttribute('open')).not.toBeNull();
    expect(await focusedTestId(page)).toBe('import-layer');
    // A planner imports into the places and incident layers, not the administrative boundaries.
    const offered = await page.getByTestId('import-layer').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toEqual(['address_points', 'cameras', 'key_places', 'incidents']);
    expect(await page.getByTestId('import-empty').innerText()).toContain('试导入');
    expect(await page.getByTestId('import-dry-run').isDisabled()).toBe(true);
  }, MAP_READY_MS + 30_000);

  it("shows the server's refusal of an unsafe archive", async () => {
    await page.getByTestId('import-layer').selectOption('key_places');
    const evil = zipSync({ '../../etc/x.shp': new Uint8Array(10), 'x.dbf': new Uint8Array(10) });
    await page.getByTestId('import-file').setInputFiles({ name: 'places.zip', mimeType: 'application/zip', buffer: Buffer.from(evil) });
    await page.getByTestId('import-dry-run').click();
    const error = page.getByTestId('import-error');
    await error.waitFor();
    const text = await error.innerText();
    expect(text).toContain('试导入失败');
    expect(text).toContain('[archive_unsafe_path]');
    expect(await page.getByTestId('import-report').count()).toBe(0);
  });

  it('dry-runs a GeoJSON file: 3 new key places, 1 rejected as outside the region', async () => {
    await page.getByTestId('import-file').setInputFiles({ name: '重点场所.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(file) });
    // A new file drops the last error.
    expect(await page.getByTestId('import-error').count()).toBe(0);
    expect(await page.getByTestId('import-file-name').innerText()).toContain('重点场所.geojson');
    const polled = page.waitForRequest((r) => /\/api\/imports\/jobs\/[^/?]+\?limit=0$/.test(r.url()));
    await page.getByTestId('import-dry-run').click();
    await polled;
    await page.getByTestId('import-rows').waitFor();

    const count = async (action: string) => Number(await page.getByTestId(`import-count-${action}`).getAttribute('data-count'));
    expect(await count('create')).toBe(3);
    expect(await count('rejected')).toBe(1);
    expect(await count('update')).toBe(0);
    expect(await count('unchanged')).toBe(0);
    expect(await page.getByTestId('import-count-create').innerText()).toContain('新增');
    expect(await page.getByTestId('import-crs-used').innerText()).toContain('EPSG:4326');
    // The file says no CRS: the report's note says WGS 84 was assumed.
    expect(await page.getByTestId('import-notes').innerText()).toContain('WGS 84');

    // Rejected rows first, with the reason; then the others in file order.
    const rows = page.getByTestId('import-row');
    expect(await rows.count()).toBe(4);
    expect(await rows.evaluateAll((rs) => rs.map((r) => [Number(r.getAttribute('data-row')), r.getAttribute('data-action')])))
      .toEqual([[2, 'rejected'], [1, 'create'], [3, 'create'], [4, 'create']]);
    expect(await rows.first().innerText()).toMatch(/区域|outside your region/);
    const csv = page.getByTestId('import-report-csv');
    expect(await csv.getAttribute('href')).toMatch(/^\/api\/imports\/jobs\/[^/]+\/report\.csv$/);

    // The upload was the raw file with this session's CSRF token.
    const sent = uploads.at(-1)!;
    const params = new URL(sent.url).searchParams;
    expect(Object.fromEntries(params)).toEqual({ layer: 'key_places', mode: 'dry-run', filename: '重点场所.geojson' });
    expect(sent.headers['x-csrf-token']).toMatch(/\S{16,}/);
    expect(sent.headers['content-type']).toBe('application/octet-stream');

    // With a rejected row, importing needs the user's consent to skip it.
    expect(await page.getByTestId('import-commit').isDisabled()).toBe(true);
    expect(await page.getByTestId('import-skip-label').innerText()).toContain('跳过 1 条');
    await page.getByTestId('import-dialog').screenshot({ path: join(ARTIFACTS, 'import-dry-run-zh.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'import-dry-run-zh-page.png') });
  });

  it('commits the good rows after ticking skip-rejected, and the database holds them with their batch', async () => {
    await page.getByTestId('import-skip-rejected').check();
    const commit = page.getByTestId('import-commit');
    expect(await commit.isDisabled()).toBe(false);
    expect(await commit.innerText()).toContain('导入 3 行');
    await commit.click();
    const result = page.getByTestId('import-result');
    await result.waitFor();
    expect(await result.innerText()).toContain('重点场所');
    expect(Object.fromEntries(new URL(uploads.at(-1)!.url).searchParams)).toMatchObject({ mode: 'commit', skipRejected: 'true' });
    await page.getByTestId('import-rows').waitFor();

    const written = await db.query<{ name: string; place_type: string; village_code: string; import_batch_id: number | null }>(
      `SELECT name, place_type, village_code, import_batch_id::int AS import_batch_id FROM key_places WHERE name = ANY($1) ORDER BY name`,
      [PLACES.map((p) => p.name)],
    );
    expect(written.map((w) => w.name).sort()).toEqual(PLACES.filter((p) => p.inside).map((p) => p.name).sort());
    expect(written.every((w) => w.village_code === regions.villageX.code)).toBe(true);
    const batch = written[0]!.import_batch_id;
    expect(batch).not.toBeNull();
    expect(written.every((w) => w.import_batch_id === batch)).toBe(true);
    const [recorded] = await db.query<{ created: number; rejected: number; layer_id: string }>(
      'SELECT created::int, rejected::int, layer_id FROM import_batches WHERE id = $1', [batch],
    );
    expect(recorded).toEqual({ created: 3, rejected: 1, layer_id: 'key_places' });
    expect(await page.getByTestId('import-batch').innerText()).toContain(`#${batch}`);
    // The created rows now carry their new ids.
    expect(await page.getByTestId('import-row').nth(1).innerText()).toMatch(/记录 \d+/);

    await page.getByTestId('import-dialog').screenshot({ path: join(ARTIFACTS, 'import-done-zh.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'import-done-zh-page.png') });
    copyFileSync(join(ARTIFACTS, 'import-dry-run-zh.png'), join(SCREENSHOTS, 'import-dry-run-zh.png'));
    copyFileSync(join(ARTIFACTS, 'import-done-zh.png'), join(SCREENSHOTS, 'import-done-zh.png'));
  });

  it('"show on map" closes the dialog and draws the key places, fetched again with the new ones', async () => {
    const fetched = page.waitForRequest((r) => r.url().includes('/api/layers/key_places/features'));
    await page.getByTestId('import-show-layer').click();
    await fetched;
    expect(await page.getByTestId('import-dialog').count()).toBe(0);
    expect(await focusedTestId(page)).toBe('import-open');
    expect(await page.getByTestId('layer-toggle-key_places').isChecked()).toBe(true);
    const [{ n }] = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM key_places WHERE village_code = $1', [regions.villageX.code])) as [{ n: number }];
    await page.waitForFunction((expected) => (window as any).__atlas.layerCounts.key_places === expected, n);
    expect(n).toBeGreaterThanOrEqual(3);
  });

  it('Esc closes the dialog and gives the focus back to the header button', async () => {
    await page.getByTestId('import-open').click();
    await page.getByTestId('import-dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('import-dialog').waitFor({ state: 'detached' });
    expect(await focusedTestId(page)).toBe('import-open');
  });

  it('made no request off its own origin, logged no errors and broke no Content-Security-Policy rule', () => {
    const offOrigin = log.requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(offOrigin).toEqual([]);
    expect(log.consoleErrors).toEqual([]);
    expect(log.cspViolations).toEqual([]);
  });
});

if (mustFail) {
  describe('the import dialog in a browser (chromium)', () => {
    it('needs chromium', () => {
      throw new Error(availability.reason);
    });
  });
}
