/**
 * The web client in headless chromium on a city-scale set and on the demo county, side by side in
 * one run (issue 6): time to the first drawn map (sign-in submitted → every default layer loaded,
 * incident aggregates and region figures in, MapLibre idle) and time to apply a filter (a new start
 * date → the new count shown and the map idle again). Chromium renders WebGL in software here
 * (SwiftShader), so absolute times are pessimistic; the ratio city/county is the figure to watch.
 *
 * Each scale gets its own throwaway PostGIS server loaded with the demo (the tests' seed and clock),
 * the API in this process on a socket, and the built client (built first if stale). Runs alternate
 * between the two scales; medians.
 *
 * Run: `npx tsx bench/client.ts [--scale 10] [--reps 3]` (scale 33 ≈ a million incidents; its load
 * takes a long while and ~8 GB).
 */
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { buildClient, isClientBuildFresh } from '../api/web-build.js';
import { addDays } from '../geo/local-time.js';
import { accountFor, TEST_PASSWORD } from '../tests/support/accounts.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/support/chromium.js';
import { CITY_NOW, benchArgs, log, machine, median, openCity, serveCity, type City } from './city.js';

const args = benchArgs({ reps: { type: 'string', default: '3' } });
const reps = Number(args.reps);
const webDist = join(process.cwd(), 'web', 'dist');
if (!isClientBuildFresh(webDist)) {
  log('building the client…');
  await buildClient(webDist, () => undefined);
}

interface Side { name: string; city: City; origin: string; close: () => void; incidents: number }
const sides: Side[] = [];
for (const [name, scale] of [['county', 1], ['city', args.scale]] as const) {
  const city = await openCity(scale, { dbName: `atlas_client_${name}` });
  await accountFor(city.owner, 'bench.analyst', 'analyst', city.county.code);
  const served = await serveCity(city, webDist);
  const [row] = await city.owner.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
  sides.push({ name, city, origin: `http://127.0.0.1:${served.port}`, close: () => served.server.close(), incidents: row!.n });
}

/** The demo's data ends at its "now": the client's default window (ending today) would be empty. */
const lastDay = new Date(CITY_NOW.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
const firstDay = addDays(lastDay, -89);

async function measure(browser: Browser, side: Side): Promise<{ firstMap: number; filter: number; count: number }> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'zh-CN' });
  try {
    const page = await context.newPage();
    await page.goto(`${side.origin}/?from=${firstDay}&to=${lastDay}`);
    await page.getByTestId('login-username').fill('bench.analyst');
    await page.getByTestId('login-password').fill(TEST_PASSWORD);
    const t0 = performance.now();
    await page.getByTestId('login-submit').click();
    await page.waitForFunction(() => (window as any).__atlas?.ready === true, null, { timeout: 600_000 });
    const firstMap = performance.now() - t0;
    const before = await page.evaluate(() => (window as any).__atlas.layerCounts.incidents as number);

    // Apply a filter: the last 30 days instead of 90.
    const t1 = performance.now();
    await page.getByTestId('filter-from').fill(addDays(lastDay, -29));
    await page.waitForFunction((n) => (window as any).__atlas.layerCounts.incidents !== n, before, { timeout: 600_000 });
    await page.evaluate(() => new Promise<void>((resolve) => {
      const map = (window as any).__atlas.map;
      map.once('idle', () => resolve());
      map.triggerRepaint();
    }));
    const filter = performance.now() - t1;
    const count = await page.evaluate(() => (window as any).__atlas.layerCounts.incidents as number);
    return { firstMap, filter, count };
  } finally {
    await context.close();
  }
}

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const results = new Map<string, { firstMap: number[]; filter: number[]; count: number }>();
try {
  for (let rep = 0; rep < reps + 1; rep++) {
    for (const side of rep % 2 ? [...sides].reverse() : sides) {
      const r = await measure(browser, side);
      log(`${rep === 0 ? 'warm-up ' : ''}${side.name}: first map ${r.firstMap.toFixed(0)} ms, filter ${r.filter.toFixed(0)} ms (${r.count} incidents in 30 days)`);
      if (rep === 0) continue;
      const entry = results.get(side.name) ?? { firstMap: [], filter: [], count: r.count };
      entry.firstMap.push(r.firstMap);
      entry.filter.push(r.filter);
      results.set(side.name, entry);
    }
  }
} finally {
  await browser.close();
  for (const side of sides) {
    side.close();
    await side.city.close();
  }
}

const county = results.get('county')!;
const city = results.get('city')!;
console.log(`\nclient in headless chromium (SwiftShader WebGL), ${machine()}`);
console.log(`medians of ${reps} runs after a warm-up; PostGIS server; demo seed at scales 1 and ${args.scale}\n`);
console.log('| set | incidents | first drawn map | apply a filter (90 → 30 days) |');
console.log('|---|---|---|---|');
for (const [name, r] of [['county (scale 1)', county], [`city (scale ${args.scale})`, city]] as const) {
  const side = sides.find((s) => name.startsWith(s.name))!;
  console.log(`| ${name} | ${side.incidents.toLocaleString('en')} | ${median(r.firstMap).toFixed(0)} ms | ${median(r.filter).toFixed(0)} ms |`);
}
console.log(`| city / county | ${(sides[1]!.incidents / sides[0]!.incidents).toFixed(1)}× | ${(median(city.firstMap) / median(county.firstMap)).toFixed(2)}× | ${(median(city.filter) / median(county.filter)).toFixed(2)}× |`);
