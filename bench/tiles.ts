/**
 * Vector tiles through the API against the same ST_AsMVT statement run directly, at city scale.
 *
 * Sides, interleaved tile by tile (the order rotates every round), after warm-up rounds:
 * - api: `app.request('/tiles/{layer}/{z}/{x}/{y}.mvt')` on the app in this process (createApp,
 *   no socket), with a county admin's bearer token and no If-None-Match (no 304 shortcut); the
 *   body is read to the end. This is the headline ratio.
 * - http: the same request over a real socket (@hono/node-server on 127.0.0.1, keep-alive fetch).
 * - sql: the statement renderTile builds (captured from renderTile itself, so exactly the same SQL
 *   and parameters), run in withScope as the same county admin (BEGIN, set_config, the tile,
 *   COMMIT) on the same pool as the app. The denominator of every ratio.
 * - stmts: every statement the API runs for a tile, directly: the token lookup
 *   (findTokenPrincipal), then in withScope the layer version (the ETag) and the tile. api − stmts
 *   is what Hono and our handlers add; stmts − sql is the two extra round trips.
 * - owner: the tile statement as the table owner (no row-level security), for information.
 * Tiles: 3 per zoom level 10–16, at the county's centre and half-way to two opposite corners
 * (snapped to the nearest incident so deep zooms hold data), for grids, cameras and incidents.
 *
 * Run: `npx tsx bench/tiles.ts [--scale 10] [--reps 9] [--warmup 2]`.
 */
import { withScope } from '../api/db/scope.js';
import { layerVersion, renderTile } from '../api/tiles/tiles.js';
import { findTokenPrincipal } from '../api/auth/principal.js';
import type { LayerId } from '../geo/layers.js';
import type { TileAddress } from '../geo/tiles.js';
import { decodeTile, tileOf } from '../tests/support/tiles.js';
import { benchArgs, log, machine, median, openCity, recorder, serveCity } from './city.js';

const args = benchArgs({ reps: { type: 'string', default: '9' }, warmup: { type: 'string', default: '2' } });
const reps = Number(args.reps);
const warmup = Number(args.warmup);
const LAYERS_UNDER_TEST: LayerId[] = ['grids', 'cameras', 'incidents'];
const ZOOMS = [10, 11, 12, 13, 14, 15, 16];

const city = await openCity(args.scale);
const { app, server, port } = await serveCity(city);
const headers = { authorization: `Bearer ${city.token}` };

try {
  // --- The tiles --------------------------------------------------------------------------------
  const [minX, minY, maxX, maxY] = city.county.bbox;
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const w = maxX - minX;
  const h = maxY - minY;
  const anchors: [number, number][] = [];
  for (const [x, y] of [[cx, cy], [cx - w / 4, cy + h / 4], [cx + w / 4, cy - h / 4]] as const) {
    const [near] = await city.owner.query<{ x: number; y: number }>(
      `SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM incidents ORDER BY geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) LIMIT 1`, [x, y],
    );
    anchors.push([near!.x, near!.y]);
  }
  const tiles: TileAddress[] = [];
  for (const z of ZOOMS) {
    const atZoom: TileAddress[] = [];
    const add = (t: TileAddress) => {
      if (atZoom.length < 3 && !atZoom.some((u) => u.x === t.x && u.y === t.y)) atZoom.push(t);
    };
    for (const [x, y] of anchors) add(tileOf(x, y, z));
    // Anchors sharing a tile at low zoom: take the centre tile's neighbours.
    const c = tileOf(anchors[0]![0], anchors[0]![1], z);
    for (const [dx, dy] of [[1, 0], [0, 1], [-1, 0], [0, -1], [1, 1], [-1, -1]]) add({ z, x: c.x + dx!, y: c.y + dy! });
    tiles.push(...atZoom);
  }
  log(`county bbox ${city.county.bbox.map((v) => v.toFixed(4)).join(', ')}; ${tiles.length} tiles × ${LAYERS_UNDER_TEST.length} layers`);

  // --- The sides ---------------------------------------------------------------------------------
  interface Case { layer: LayerId; tile: TileAddress; path: string; sql: string; params: unknown[]; bytes: number; features: number; t: Record<Side, number[]> }
  type Side = 'api' | 'http' | 'sql' | 'stmts' | 'owner';
  const cases: Case[] = [];
  for (const layer of LAYERS_UNDER_TEST) {
    for (const tile of tiles) {
      const path = `/tiles/${layer}/${tile.z}/${tile.x}/${tile.y}.mvt`;
      const rec = recorder({ mvt: null });
      await renderTile(rec, city.db.capabilities, layer, tile, `http://localhost${path}`);
      if (!rec.captured) throw new Error('renderTile ran no statement');
      cases.push({ layer, tile, path, ...rec.captured, bytes: 0, features: 0, t: { api: [], http: [], sql: [], stmts: [], owner: [] } });
    }
  }
  const bytesOf = (mvt: Uint8Array | null | undefined) => (mvt ? new Uint8Array(mvt) : new Uint8Array());
  const runSide: Record<Side, (c: Case) => Promise<Uint8Array>> = {
    async api(c) {
      const res = await app.request(c.path, { headers });
      const body = await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${c.path}: ${res.status} ${new TextDecoder().decode(body)}`);
      return new Uint8Array(body);
    },
    async http(c) {
      const res = await fetch(`http://127.0.0.1:${port}${c.path}`, { headers });
      const body = await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`HTTP ${c.path}: ${res.status}`);
      return new Uint8Array(body);
    },
    async sql(c) {
      const [row] = await withScope(city.db, city.scope, (tx) => tx.query<{ mvt: Uint8Array | null }>(c.sql, c.params));
      return bytesOf(row?.mvt);
    },
    async stmts(c) {
      if (!(await findTokenPrincipal(city.db, city.token))) throw new Error('token lookup failed');
      const [row] = await withScope(city.db, city.scope, async (tx) => {
        await layerVersion(tx, c.layer);
        return tx.query<{ mvt: Uint8Array | null }>(c.sql, c.params);
      });
      return bytesOf(row?.mvt);
    },
    async owner(c) {
      const [row] = await city.owner.transaction((tx) => tx.query<{ mvt: Uint8Array | null }>(c.sql, c.params));
      return bytesOf(row?.mvt);
    },
  };
  const featuresIn = (c: Case, bytes: Uint8Array) =>
    decodeTile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer)[c.layer]?.length ?? 0;
  for (const c of cases) {
    const bytes = await runSide.sql(c);
    c.bytes = bytes.byteLength;
    c.features = featuresIn(c, bytes);
  }
  const SIDES: Side[] = ['api', 'sql', 'http', 'stmts', 'owner'];
  const orders: Side[][] = SIDES.map((_, i) => [...SIDES.slice(i), ...SIDES.slice(0, i)]);
  // A tile of the same features may differ in bytes (feature order follows the scan: a parallel
  // or an index scan orders them differently); only a different feature count is a mismatch.
  const reordered: Record<Side, number> = { api: 0, http: 0, sql: 0, stmts: 0, owner: 0 };
  const mismatched: Record<Side, number> = { api: 0, http: 0, sql: 0, stmts: 0, owner: 0 };
  for (let round = 0; round < warmup + reps; round++) {
    const r0 = performance.now();
    for (const c of cases) {
      for (const side of orders[round % orders.length]!) {
        const t = performance.now();
        const bytes = await runSide[side](c);
        const ms = performance.now() - t;
        if (bytes.byteLength !== c.bytes) {
          if (featuresIn(c, bytes) === c.features) reordered[side]++;
          else mismatched[side]++;
        }
        if (round >= warmup) c.t[side].push(ms);
      }
    }
    log(`round ${round + 1}/${warmup + reps}${round < warmup ? ' (warm-up)' : ''}: ${((performance.now() - r0) / 1000).toFixed(1)} s`);
  }

  // --- Figures -----------------------------------------------------------------------------------
  const med = (c: Case, s: Side) => median(c.t[s]);
  const sum = (cs: Case[], s: Side) => cs.reduce((a, c) => a + med(c, s), 0);
  const byZoom: Record<string, unknown>[] = [];
  for (const layer of LAYERS_UNDER_TEST) {
    for (const z of ZOOMS) {
      const cs = cases.filter((c) => c.layer === layer && c.tile.z === z);
      byZoom.push({
        layer, z, tiles: cs.length, features: cs.reduce((a, c) => a + c.features, 0), kB: +(cs.reduce((a, c) => a + c.bytes, 0) / 1024).toFixed(1),
        apiMs: +sum(cs, 'api').toFixed(2), sqlMs: +sum(cs, 'sql').toFixed(2), httpMs: +sum(cs, 'http').toFixed(2),
        stmtsMs: +sum(cs, 'stmts').toFixed(2), ownerMs: +sum(cs, 'owner').toFixed(2),
        apiOverSql: +(sum(cs, 'api') / sum(cs, 'sql')).toFixed(2), httpOverSql: +(sum(cs, 'http') / sum(cs, 'sql')).toFixed(2),
      });
    }
  }
  console.log(`\nPer layer and zoom: sums over the zoom's tiles of each tile's median (ms), ${reps} runs after ${warmup} warm-up rounds`);
  console.table(byZoom);
  const summary: Record<string, unknown>[] = [];
  for (const layer of [...LAYERS_UNDER_TEST, 'all' as const]) {
    const cs = layer === 'all' ? cases : cases.filter((c) => c.layer === layer);
    const perTile = (s: Side) => median(cs.map((c) => med(c, s) / med(c, 'sql')));
    summary.push({
      layer, tiles: cs.length,
      apiMs: +sum(cs, 'api').toFixed(1), sqlMs: +sum(cs, 'sql').toFixed(1), httpMs: +sum(cs, 'http').toFixed(1),
      stmtsMs: +sum(cs, 'stmts').toFixed(1), ownerMs: +sum(cs, 'owner').toFixed(1),
      apiOverSql: +(sum(cs, 'api') / sum(cs, 'sql')).toFixed(3), medianTileApiOverSql: +perTile('api').toFixed(3),
      httpOverSql: +(sum(cs, 'http') / sum(cs, 'sql')).toFixed(3), medianTileHttpOverSql: +perTile('http').toFixed(3),
      medianTileApiMinusSqlMs: +median(cs.map((c) => med(c, 'api') - med(c, 'sql'))).toFixed(2),
      medianTileApiMinusStmtsMs: +median(cs.map((c) => med(c, 'api') - med(c, 'stmts'))).toFixed(2),
      sqlOverOwner: +(sum(cs, 'sql') / sum(cs, 'owner')).toFixed(2),
    });
  }
  console.log(`\nTiles, scale ${city.scale} (${city.engine}; ${machine()}). api = app.request in-process (headline); http = real socket; sql = renderTile's statement in withScope as the county admin; stmts = token lookup + layer version + tile, directly; owner = the tile statement without RLS.`);
  console.log('apiOverSql = sum of per-tile medians, API / SQL; medianTile… = median over tiles of the per-tile ratio. Goal ≤ 1.10.');
  console.table(summary);
  console.log(`Responses of another size than the first direct run but the same features (scan order): ${JSON.stringify(reordered)}`);
  if (Object.values(mismatched).some((n) => n > 0)) console.log(`WARNING: responses with another number of features: ${JSON.stringify(mismatched)}`);
  console.log(JSON.stringify({ bench: 'tiles', scale: city.scale, reps, warmup, summary, byZoom, reordered, mismatched }));
} finally {
  server.close();
  await city.close();
}
