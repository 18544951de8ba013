import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../api/app.js';
import type { Db } from '../../api/db/types.js';
import { createLogger } from '../../api/logger.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailability } from '../support/chromium.js';
import { openPgliteFromTemplate } from '../support/demo-template.js';
import { reportMissing } from '../support/environment.js';

const ARTIFACTS = join(process.cwd(), 'tests', 'artifacts');

const availability = chromiumAvailability();
const mustFail = reportMissing('browser tests', availability);

describe.skipIf(!availability.available && !mustFail)('the map in a browser (chromium)', () => {
  let db: Db;
  let server: ServerType;
  let browser: Browser;
  let page: Page;
  let origin = '';
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    if (!availability.available) throw new Error(availability.reason);
    db = await openPgliteFromTemplate(inject('pgliteTemplate'));
    const app = createApp({ db, log: createLogger('error'), webDist: inject('webDist') });
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, locale: 'zh-CN' });
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(origin + '/');
    await page.waitForFunction(() => (window as any).__atlas?.ready === true, null, { timeout: 120_000 });
  });

  afterAll(async () => {
    await browser?.close();
    server?.close();
    await db?.close();
  });

  it('draws the county: non-blank canvas with grids, cameras and incidents loaded', async () => {
    const counts = await page.evaluate(() => (window as any).__atlas.layerCounts);
    expect(counts.regions).toBeGreaterThan(60);
    expect(counts.grids).toBeGreaterThanOrEqual(400);
    expect(counts.cameras).toBeGreaterThanOrEqual(1500);
    expect(counts.incidents).toBeGreaterThanOrEqual(30000);

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

  it('made no request off its own origin and logged no errors', () => {
    const offOrigin = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(offOrigin).toEqual([]);
    expect(requests.some((u) => u.includes('/api/layers/incidents/features'))).toBe(true);
    expect(consoleErrors).toEqual([]);
  });
});

if (mustFail) {
  describe('the map in a browser (chromium)', () => {
    it('needs chromium', () => {
      throw new Error(availability.reason);
    });
  });
}
