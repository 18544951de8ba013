/**
 * One large page of OGC API items through the API against the statement findItems builds for it,
 * run directly, at city scale; and the GeoJSON export of the same layer the same way.
 *
 * Sides, interleaved (the order rotates every run), after warm-ups:
 * - api: `app.request('/ogc/collections/incidents/items?limit=10000')` on the app in this process
 *   (createApp, no socket) with a county admin's bearer token, body read to the end (bytes). The
 *   headline ratio.
 * - http: the same over a real socket (@hono/node-server on 127.0.0.1, keep-alive fetch).
 * - sql: the statement findItems builds for that page (captured from findItems itself: same SQL,
 *   same parameters), run in withScope as the same county admin on the app's pool; the features
 *   JSON text arrives in full. The denominator.
 * - stmts: every statement the API runs, directly: the token lookup, then the page in withScope.
 * - owner: the page statement as the table owner (no row-level security), for information.
 * Then GET /api/export/incidents.geojson, which streams every incident of the county (300,000 at
 * scale 10) in keyset pages of 5,000, each page in its own scoped transaction: api and http against
 * the same statements run directly (the count, then every page's findItems statement, captured
 * from the export's own page loop, each in its own withScope), fewer runs (it is large).
 *
 * Run: `npx tsx bench/items-stream.ts [--scale 10] [--reps 15] [--warmup 2] [--export-reps 5]`.
 */
import { findTokenPrincipal } from '../api/auth/principal.js';
import { withScope } from '../api/db/scope.js';
import { findItems } from '../api/ogc/items.js';
import { EXPORT_PAGE, selectionPages, type PageReader } from '../api/exports/export.js';
import { LAYERS } from '../geo/layers.js';
import { benchArgs, log, machine, median, openCity, recorder, serveCity } from './city.js';

const args = benchArgs({
  reps: { type: 'string', default: '15' }, warmup: { type: 'string', default: '2' }, 'export-reps': { type: 'string', default: '5' },
  limit: { type: 'string', default: '10000' },
});
const reps = Number(args.reps);
const warmup = Number(args.warmup);
const exportReps = Number(args['export-reps']);
const limit = Number(args.limit);

const city = await openCity(args.scale);
const { app, server, port } = await serveCity(city);
const headers = { authorization: `Bearer ${city.token}` };

type Side = 'api' | 'http' | 'sql' | 'stmts' | 'owner';
interface Statement { sql: string; params: unknown[] }

async function capture(pageLimit: number): Promise<Statement> {
  const layer = LAYERS.incidents;
  const rec = recorder({ number_matched: 0, number_returned: 0, features: '[]', last_id: null });
  // What /ogc items and /api/export pass for a request without selection parameters.
  await findItems(rec, { layerId: 'incidents', conditions: [], params: [], properties: layer.properties, sortBy: [], limit: pageLimit, offset: 0 });
  return rec.captured!;
}

/** The sides for one request; the direct ones run `stmts` each in its own scoped transaction. */
function sides(path: string, stmts: Statement[]): Record<Side, () => Promise<number>> {
  const direct = async (q: { query: typeof city.db.query }, stmt: Statement) => {
    const [row] = await q.query<{ features: string | null }>(stmt.sql, stmt.params);
    return row?.features ? Buffer.byteLength(row.features) : 0;
  };
  const all = async (run: (stmt: Statement) => Promise<number>) => {
    let bytes = 0;
    for (const stmt of stmts) bytes += await run(stmt);
    return bytes;
  };
  return {
    async api() {
      const res = await app.request(path, { headers });
      const body = await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${new TextDecoder().decode(body).slice(0, 300)}`);
      return body.byteLength;
    },
    async http() {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
      const body = await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`HTTP ${path}: ${res.status}`);
      return body.byteLength;
    },
    sql: () => all((stmt) => withScope(city.db, city.scope, (tx) => direct(tx, stmt))),
    async stmts() {
      if (!(await findTokenPrincipal(city.db, city.token))) throw new Error('token lookup failed');
      return all((stmt) => withScope(city.db, city.scope, (tx) => direct(tx, stmt)));
    },
    owner: () => all((stmt) => city.owner.transaction((tx) => direct(tx, stmt))),
  };
}

async function measure(label: string, path: string, stmts: Statement[], runs: number, warm: number, which: Side[]) {
  const run = sides(path, stmts);
  const t: Record<Side, number[]> = { api: [], http: [], sql: [], stmts: [], owner: [] };
  const bytes: Partial<Record<Side, number>> = {};
  const orders = which.map((_, i) => [...which.slice(i), ...which.slice(0, i)]);
  for (let i = 0; i < warm + runs; i++) {
    for (const side of orders[i % orders.length]!) {
      const t0 = performance.now();
      bytes[side] = await run[side]();
      const ms = performance.now() - t0;
      if (i >= warm) t[side].push(ms);
    }
    log(`${label}: run ${i + 1}/${warm + runs}${i < warm ? ' (warm-up)' : ''}: ${which.map((s) => `${s} ${t[s].at(-1)?.toFixed(0) ?? '-'} ms`).join(', ')}`);
  }
  const m = (s: Side) => median(t[s]);
  const row: Record<string, unknown> = { request: label, runs };
  for (const s of which) row[`${s}Ms`] = +m(s).toFixed(1);
  row.apiOverSql = +(m('api') / m('sql')).toFixed(3);
  if (which.includes('http')) row.httpOverSql = +(m('http') / m('sql')).toFixed(3);
  if (which.includes('stmts')) row.apiMinusStmtsMs = +(m('api') - m('stmts')).toFixed(1);
  if (which.includes('owner')) row.sqlOverOwner = +(m('sql') / m('owner')).toFixed(3);
  row.apiMB = +((bytes.api ?? 0) / 2 ** 20).toFixed(2);
  row.featuresMB = +((bytes.sql ?? 0) / 2 ** 20).toFixed(2);
  return row;
}

try {
  const rows: Record<string, unknown>[] = [];
  const page = await capture(limit);
  const path = `/ogc/collections/incidents/items?limit=${limit}`;
  const probe = await app.request(path, { headers });
  const head = (await probe.text()).slice(0, 200);
  log(`${path}: ${probe.status} ${head.replace(/,"links".*/, '')}…`);
  rows.push(await measure(`items limit=${limit}`, path, [page], reps, warmup, ['api', 'sql', 'http', 'stmts', 'owner']));

  const notes: string[] = [];
  try {
    const exportPath = '/api/export/incidents.geojson';
    const res = await app.request(exportPath, { headers });
    const body = await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${res.status} ${new TextDecoder().decode(body).slice(0, 300)}`);
    log(`${exportPath}: ${res.status}, ${(body.byteLength / 2 ** 20).toFixed(1)} MB`);
    // The export's statements: the count (limit 0, in the request's transaction), then its pages,
    // captured from the export's own page loop as it runs them.
    const layer = LAYERS.incidents;
    const count = recorder({ number_matched: 0, number_returned: 0, features: null, last_id: null });
    const selection = { layerId: 'incidents' as const, conditions: [], params: [], properties: layer.properties, sortBy: [] };
    await findItems(count, { ...selection, limit: 0, offset: 0 });
    const statements: Statement[] = [count.captured!];
    const reader: PageReader = (fn) => withScope(city.db, city.scope, (tx) => fn({
      query: (sql, params) => {
        statements.push({ sql, params: [...(params ?? [])] });
        return tx.query(sql, params);
      },
    }));
    let pages = 0;
    for await (const _ of selectionPages(reader, selection)) pages++;
    log(`export: 1 count + ${statements.length - 1} page statements (${pages} pages of up to ${EXPORT_PAGE})`);
    rows.push(await measure(`export incidents.geojson (${pages} pages)`, exportPath, statements, exportReps, 1, ['api', 'sql', 'http']));
  } catch (error) {
    notes.push(`export skipped: ${(error as Error).message}`);
  }

  console.log(`\nOGC items and export, scale ${city.scale} (${city.engine}; ${machine()}). Medians in ms; api = app.request in-process (headline), http = real socket, sql = findItems' statement in withScope as the county admin, stmts = token lookup + that statement, owner = the statement without RLS. Goal api/sql ≤ 1.2.`);
  console.table(rows);
  for (const n of notes) console.log(n);
  console.log(JSON.stringify({ bench: 'items-stream', scale: city.scale, reps, warmup, exportReps, rows, notes }));
} finally {
  server.close();
  await city.close();
}
