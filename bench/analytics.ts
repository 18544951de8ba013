/**
 * Every analytic of /api/analytics on the PostGIS server and on PGlite, side by side, on the same
 * generated demo county at one scale (issue 5: ≤ 1 s for the county, ≤ 5 s at city scale on the
 * server; PGlite within 3× of the server).
 *
 * Both databases get the same demo (one `generateDemoCounty` call; the tests' seed and clock, so the
 * windows, which end at the demo's "now", hold the same data). The API runs in this process
 * (`createApp`, `app.request`, no socket) with a county admin's bearer token and
 * `Cache-Control: no-cache`, so every run computes (the cache would otherwise answer in microseconds).
 * Engines are interleaved run by run (order rotated) after a warm-up; medians.
 *
 * Run: `npx tsx bench/analytics.ts [--scale 1] [--reps 5] [--warmup 1] [--only id,id] [--no-pglite]`.
 * City scale (`--scale 10`) on PGlite needs ~4 GB of memory and several minutes to load.
 */
import { createApp } from '../api/app.js';
import { createLogger } from '../api/logger.js';
import { migrate } from '../api/db/migrate.js';
import { openPglite } from '../api/db/pglite.js';
import { assertSafeRoles } from '../api/db/scope.js';
import type { Db } from '../api/db/types.js';
import { generateDemoCounty } from '../api/demo/generate.js';
import { loadDemoCounty } from '../api/demo/load.js';
import { ANALYTICS } from '../api/analytics/catalogue.js';
import { tokenFor } from '../tests/support/accounts.js';
import { CITY_NOW, CITY_SEED, benchArgs, log, machine, median, openCity } from './city.js';

const args = benchArgs({
  reps: { type: 'string', default: '5' }, warmup: { type: 'string', default: '1' }, only: { type: 'string', default: '' },
  'no-pglite': { type: 'boolean', default: false },
});
const reps = Number(args.reps);
const warmup = Number(args.warmup);
const only = String(args.only).split(',').filter(Boolean);

/** The requests measured: each analytic with its default window ending at the demo's "now". */
const at = encodeURIComponent(CITY_NOW.toISOString());
const REQUESTS: { id: string; path: string }[] = [
  { id: 'patrol-coverage', path: `/api/analytics/patrol-coverage?at=${at}&period=week` },
  { id: 'camera-coverage', path: `/api/analytics/camera-coverage?at=${at}` },
  { id: 'hotspots', path: `/api/analytics/hotspots?at=${at}&zoom=11` },
  { id: 'three-nos', path: `/api/analytics/three-nos?at=${at}` },
  { id: 'flow-deadlines', path: `/api/analytics/flow-deadlines?at=${at}` },
  { id: 'patrol-gaps', path: `/api/analytics/patrol-gaps?at=${at}&hours=18-24` },
  { id: 'camera-siting', path: `/api/analytics/camera-siting?at=${at}&k=10` },
].filter((r) => only.length === 0 || only.includes(r.id));
for (const r of REQUESTS) if (!ANALYTICS.some((a) => a.id === r.id)) throw new Error(`no analytic ${r.id}`);

const city = await openCity(args.scale);
interface Side { name: string; db: Db; token: string; app: ReturnType<typeof createApp> }
const sides: Side[] = [{ name: 'postgres', db: city.db, token: city.token, app: createApp({ db: city.db, log: createLogger('warn'), webDist: null }) }];
let pglite: Db | null = null;
if (!args['no-pglite']) {
  log('PGlite: creating, migrating and loading the same demo…');
  const t0 = performance.now();
  pglite = await openPglite({ dataDir: null });
  await migrate(pglite);
  const demo = generateDemoCounty({ seed: CITY_SEED, scale: args.scale, now: CITY_NOW });
  await loadDemoCounty(pglite, demo);
  await pglite.query('ANALYZE');
  await assertSafeRoles(pglite);
  const [county] = await pglite.query<{ code: string }>(`SELECT code FROM regions WHERE level = 'county'`);
  const { token } = await tokenFor(pglite, 'admin', county!.code);
  sides.push({ name: 'pglite', db: pglite, token, app: createApp({ db: pglite, log: createLogger('warn'), webDist: null }) });
  log(`PGlite ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

async function timeOne(side: Side, path: string): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const res = await side.app.request(path, { headers: { authorization: `Bearer ${side.token}`, 'cache-control': 'no-cache' } });
  const body = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${side.name} ${path}: ${res.status} ${body.slice(0, 300)}`);
  return { ms, bytes: body.length };
}

const rows: string[] = [];
for (const request of REQUESTS) {
  const times: Record<string, number[]> = Object.fromEntries(sides.map((s) => [s.name, []]));
  let bytes = 0;
  for (let i = 0; i < warmup + reps; i++) {
    const order = i % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      const { ms, bytes: b } = await timeOne(side, request.path);
      bytes = b;
      if (i >= warmup) times[side.name]!.push(ms);
    }
  }
  const server = median(times.postgres!);
  const embedded = pglite ? median(times.pglite!) : Number.NaN;
  const goal = args.scale <= 1 ? 1000 : 5000;
  rows.push(`| ${request.id} | ${server.toFixed(0)} ms ${server <= goal ? '✓' : '✗'} | ${pglite ? `${embedded.toFixed(0)} ms` : '—'} | ${pglite ? `${(embedded / server).toFixed(2)}${embedded / server <= 3 ? ' ✓' : ' ✗'}` : '—'} | ${(bytes / 1024).toFixed(0)} KiB |`);
  log(rows[rows.length - 1]!);
}

console.log(`\nAnalytics at scale ${args.scale} (${machine()}; ${city.engine}; median of ${reps} after ${warmup} warm-up, interleaved; goal ${args.scale <= 1 ? '≤ 1 s' : '≤ 5 s'} on the server, PGlite ≤ 3×)\n`);
console.log('| analytic | PostGIS server | PGlite | PGlite/server | response |');
console.log('|---|---|---|---|---|');
for (const row of rows) console.log(row);
await pglite?.close();
await city.close();
