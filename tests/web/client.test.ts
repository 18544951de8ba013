import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../api/app.js';
import type { Db } from '../../api/db/types.js';
import { createLogger } from '../../api/logger.js';
import { addDays, localDate } from '../../geo/local-time.js';
import { accountFor, pickTestRegions, TEST_PASSWORD, type TestRegions } from '../support/accounts.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailability } from '../support/chromium.js';
import { openPgliteFromTemplate } from '../support/demo-template.js';
import { reportMissing } from '../support/environment.js';
import { MAP_READY_MS, openContext, signInThroughForm, waitForMap, type PageLog } from '../support/browser-page.js';

const ARTIFACTS = join(process.cwd(), 'tests', 'artifacts');
const SCREENSHOTS = join(process.cwd(), 'docs', 'screenshots');
const ANALYST = 'analyst.client';
const OPERATOR = 'operator.client';

const availability = chromiumAvailability();
const mustFail = reportMissing('browser tests', availability);

/** The number a figure shows ("7,204" → 7204). */
const figure = async (page: Page, testId: string) => Number((await page.getByTestId(testId).innerText()).replace(/[^\d]/g, ''));

/**
 * The situational-awareness client in chromium against the demo county (PGlite): filters, the
 * drill-down, layers, shareable URLs, and that nothing leaves the origin. Expected figures come
 * from SQL on the same database, never from the client.
 */
describe.skipIf(!availability.available && !mustFail)('the client in a browser (chromium)', () => {
  let db: Db;
  let server: ServerType;
  let browser: Browser;
  let origin = '';
  let regions: TestRegions;
  let page: Page;
  let log: PageLog;
  /** The last local date with incidents, and a 30-day window ending there. */
  let lastDay = '';
  const count = async (from: string, to: string, extra = '', params: unknown[] = []) => {
    const [row] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM incidents WHERE occurred_at >= $1::timestamptz AND occurred_at < $2::timestamptz ${extra}`,
      [`${from}T00:00:00+08:00`, `${addDays(to, 1)}T00:00:00+08:00`, ...params],
    );
    return row!.n;
  };

  beforeAll(async () => {
    if (!availability.available) throw new Error(availability.reason);
    db = await openPgliteFromTemplate(inject('pgliteTemplate'));
    regions = await pickTestRegions(db);
    await accountFor(db, ANALYST, 'analyst', regions.county.code);
    await accountFor(db, OPERATOR, 'operator', regions.villageX.code.slice(0, 9).padEnd(12, '0'));
    const [row] = await db.query<{ d: string }>(`SELECT to_char(max(occurred_at) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS d FROM incidents`);
    lastDay = row!.d;
    const app = createApp({ db, log: createLogger('error'), webDist: inject('webDist') });
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    ({ page, log } = await openContext(browser));
    mkdirSync(ARTIFACTS, { recursive: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    server?.close();
    await db?.close();
  });

  it('opens on the county with the default window, its figures and clusters', async () => {
    await page.goto(origin + '/');
    await signInThroughForm(page, ANALYST, TEST_PASSWORD);
    await waitForMap(page);
    const today = localDate(Date.now());
    const expected = await count(addDays(today, -89), today);
    await page.waitForFunction((n) => (window as any).__atlas.layerCounts.incidents === n, expected);
    expect(await figure(page, 'figure-incidents')).toBe(expected);
    expect(await page.getByTestId('incident-count').innerText()).toContain('起事件');
    // One part per township, with the county's name first in the breadcrumbs.
    expect(await page.getByTestId('breadcrumbs').innerText()).toContain(regions.county.name);
    const [{ n: townships }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM regions WHERE level = 'township'`) as [{ n: number }];
    expect(await page.getByTestId('region-parts').locator('button').count()).toBe(townships);
    await page.screenshot({ path: join(SCREENSHOTS, 'client-county-zh.png') });
  }, MAP_READY_MS + 30_000);

  it('a time filter changes the incident count to what SQL counts for the window', async () => {
    const from = addDays(lastDay, -29);
    const before = await figure(page, 'incident-count');
    const answered = page.waitForResponse((r) => r.url().includes('/api/analytics/region-summary') && r.url().includes(`from=${from}`));
    await page.getByTestId('filter-to').fill(lastDay);
    await page.getByTestId('filter-from').fill(from);
    await answered;
    const expected = await count(from, lastDay);
    await page.waitForFunction((n) => (window as any).__atlas.layerCounts.incidents === n, expected);
    expect(expected).not.toBe(before);
    expect(await figure(page, 'incident-count')).toBe(expected);
    // A category narrows it further.
    await page.getByTestId('filter-categories').locator('summary').click();
    await page.getByTestId('filter-categories-dispute').check();
    const disputes = await count(from, lastDay, 'AND category = $3', ['dispute']);
    await page.waitForFunction((n) => (window as any).__atlas.layerCounts.incidents === n, disputes);
    expect(disputes).toBeLessThan(expected);
    await page.getByTestId('filter-categories').locator('summary').click();
    await page.screenshot({ path: join(ARTIFACTS, 'client-filtered-zh.png') });
  });

  it('toggles a layer off and on, and changes how incidents are drawn', async () => {
    const toggle = page.getByTestId('layer-toggle-cameras');
    await expect(toggle.isChecked()).resolves.toBe(true);
    await toggle.click();
    await expect(toggle.isChecked()).resolves.toBe(false);
    expect(await page.getByTestId('layer-opacity-cameras').count()).toBe(0);
    const clusters = () => page.evaluate(() => {
      const deck = (window as any).__atlas.map._controls.find((c: any) => c._deck)?._deck;
      return deck?.props.layers.filter((l: any) => l.id === 'incidents:clusters' && l.props.visible).length ?? -1;
    });
    expect(await clusters()).toBe(1);
    await page.getByTestId('incident-display').selectOption('heat');
    await page.waitForFunction(() => (window as any).__atlas.map.getLayoutProperty('incidents:heat', 'visibility') === 'visible');
    expect(await clusters()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'client-heat-zh.png') });
    await page.getByTestId('incident-display').selectOption('clusters');
    await page.waitForFunction(() => (window as any).__atlas.map.getLayoutProperty('incidents:heat', 'visibility') === 'none');
  });

  it('shows an analytic layer (mediation hotspots) with its legend, and hides it again', async () => {
    const deckIds = () => page.evaluate(() => {
      const deck = (window as any).__atlas.map._controls.find((c: any) => c._deck)?._deck;
      return (deck?.props.layers ?? []).filter((l: any) => l.props.visible !== false).map((l: any) => l.id as string);
    });
    expect((await deckIds()).some((id) => id.startsWith('hotspots:'))).toBe(false);
    const answered = page.waitForResponse((r) => r.url().includes('/api/analytics/hotspots'));
    await page.getByTestId('analytic-toggle-hotspots').check();
    expect((await answered).status()).toBe(200);
    await page.waitForFunction(() => document.querySelector('[data-testid="analytic-legend-hotspots"]')?.getAttribute('data-status') === 'loaded');
    await page.waitForFunction(() => {
      const deck = (window as any).__atlas.map._controls.find((c: any) => c._deck)?._deck;
      return (deck?.props.layers ?? []).some((l: any) => l.id.startsWith('hotspots:'));
    });
    expect(await page.getByTestId('analytic-legend-hotspots').innerText()).toMatch(/99%/);
    await page.screenshot({ path: join(SCREENSHOTS, 'client-hotspots-zh.png') });
    await page.getByTestId('analytic-toggle-hotspots').uncheck();
    await page.waitForFunction(() => {
      const deck = (window as any).__atlas.map._controls.find((c: any) => c._deck)?._deck;
      return !(deck?.props.layers ?? []).some((l: any) => l.id.startsWith('hotspots:') && l.props.visible !== false);
    });
  });

  it('lists patrol gaps in the analyst views and frames one on the map', async () => {
    await page.getByTestId('analyst-toggle').click();
    await page.getByTestId('analyst-panel').waitFor();
    await page.getByTestId('analyst-tab-patrol').click();
    const first = page.getByTestId('analyst-patrol-list').locator('[data-testid="analyst-patrol-row-1"]');
    await first.waitFor({ timeout: 60_000 });
    const cell = await first.getAttribute('data-cell');
    expect(cell).toMatch(/^[0-9a-f]{15}$/);
    await first.click();
    // The map frames the cell: its centre is in view at a street-level zoom.
    await page.waitForFunction(() => (window as any).__atlas.map.getZoom() > 12);
    await page.screenshot({ path: join(SCREENSHOTS, 'client-analyst-zh.png') });
    await page.getByTestId('analyst-tab-rhythm').click();
    await page.getByTestId('analyst-panel').getByText(/\d/).first().waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'client-rhythm-zh.png') });
    await page.getByTestId('analyst-toggle').click();
  });

  it('drills down county → township → village → grid with breadcrumbs, figures and the map framed', async () => {
    const township = regions.villageX.code.slice(0, 9);
    await page.getByTestId(`part-${township}`).click();
    await page.getByTestId(`part-${regions.villageX.code}`).waitFor();
    expect(await page.getByTestId('breadcrumbs').innerText()).toContain(regions.townshipX.name);
    await page.getByTestId(`part-${regions.villageX.code}`).click();
    await page.getByTestId(`crumb-${regions.townshipX.code}`).waitFor();
    // The village's grid with the most disputes in the window, so the figure is not a trivial 0.
    const from = addDays(lastDay, -29);
    const [grid] = await db.query<{ code: string; name: string; x: number; y: number }>(
      `SELECT g.code, g.name, ST_X(ST_Centroid(g.geom)) AS x, ST_Y(ST_Centroid(g.geom)) AS y FROM current_grids g
       WHERE g.village_code = $1
       ORDER BY (SELECT count(*) FROM incidents i WHERE i.grid_code = g.code AND i.category = 'dispute'
                   AND i.occurred_at >= $2::timestamptz AND i.occurred_at < $3::timestamptz) DESC, g.code LIMIT 1`,
      [regions.villageX.code, `${from}T00:00:00+08:00`, `${addDays(lastDay, 1)}T00:00:00+08:00`],
    );
    await page.getByTestId(`part-${grid!.code}`).click();
    await page.getByTestId('crumb-grid').waitFor();
    expect(await page.getByTestId('crumb-grid').innerText()).toBe(grid!.name);
    const expected = await count(from, lastDay, 'AND grid_code = $3 AND category = $4', [grid!.code, 'dispute']);
    expect(expected).toBeGreaterThan(0);
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="figure-incidents"]')?.textContent?.replace(/[^\d]/g, '')) === n, expected);
    // The map frames the grid: its centre is in view and the zoom is a street-level one.
    const view = await page.evaluate(() => {
      const map = (window as any).__atlas.map;
      const b = map.getBounds();
      return { zoom: map.getZoom(), w: b.getWest(), e: b.getEast(), s: b.getSouth(), n: b.getNorth() };
    });
    expect(view.zoom).toBeGreaterThan(12);
    expect(grid!.x).toBeGreaterThan(view.w);
    expect(grid!.x).toBeLessThan(view.e);
    expect(grid!.y).toBeGreaterThan(view.s);
    expect(grid!.y).toBeLessThan(view.n);
    await page.screenshot({ path: join(SCREENSHOTS, 'client-grid-zh.png') });
  });

  it('finds a village by name', async () => {
    await page.getByTestId('region-search').fill(regions.villageY.name);
    await page.getByTestId('search-results').locator('button').first().click();
    await page.waitForFunction((name) => document.querySelector('[data-testid="breadcrumbs"]')?.textContent?.includes(name), regions.villageY.name);
    expect(await page.getByTestId('breadcrumbs').innerText()).toContain(regions.townshipY.name);
  });

  it('a shared URL restores the layers, filters, region and viewport', async () => {
    // Back to village X's first grid, then share.
    await page.getByTestId('region-search').fill(regions.villageX.name);
    await page.getByTestId('search-results').locator('button').first().click();
    await page.waitForFunction((name) => document.querySelector('[aria-current="page"]')?.textContent === name, regions.villageX.name);
    await page.waitForTimeout(600); // the URL is written 300 ms after the view settles
    const shared = page.url();
    expect(shared).toContain(`r=${regions.villageX.code}`);
    expect(shared).toContain('category=dispute');
    const sharedZoom = await page.evaluate(() => (window as any).__atlas.map.getZoom());

    const other = await openContext(browser);
    try {
      await other.page.goto(shared);
      await signInThroughForm(other.page, ANALYST, TEST_PASSWORD);
      await waitForMap(other.page);
      expect(await other.page.getByTestId('filter-from').inputValue()).toBe(addDays(lastDay, -29));
      expect(await other.page.getByTestId('filter-to').inputValue()).toBe(lastDay);
      expect(await other.page.getByTestId('layer-toggle-cameras').isChecked()).toBe(false);
      expect(await other.page.getByTestId('layer-toggle-incidents').isChecked()).toBe(true);
      expect(await other.page.locator('[aria-current="page"]').innerText()).toBe(regions.villageX.name);
      const zoom = await other.page.evaluate(() => (window as any).__atlas.map.getZoom());
      expect(Math.abs(zoom - sharedZoom)).toBeLessThan(0.05);
      const expected = await count(addDays(lastDay, -29), lastDay, 'AND village_code = $3 AND category = $4', [regions.villageX.code, 'dispute']);
      await other.page.waitForFunction((n) => (window as any).__atlas.layerCounts.incidents === n, expected);
      expect(other.log.consoleErrors).toEqual([]);
    } finally {
      await other.context.close();
    }
  }, MAP_READY_MS + 30_000);

  it('made no request off its own origin and logged no errors', () => {
    const offOrigin = log.requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(offOrigin).toEqual([]);
    expect(log.requests.some((u) => u.includes('/api/analytics/incident-clusters'))).toBe(true);
    expect(log.consoleErrors).toEqual([]);
    expect(log.cspViolations).toEqual([]);
  });
});

if (mustFail) {
  describe('the client in a browser (chromium)', () => {
    it('needs chromium', () => {
      throw new Error(availability.reason);
    });
  });
}
