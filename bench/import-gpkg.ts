/**
 * Importing a GeoPackage of 1,000,000 incidents: our import (runImport, what POST /api/imports
 * runs as a job) against GDAL's `ogr2ogr -f PostgreSQL` with COPY, into the same PostGIS server.
 *
 * Set-up: the demo county at `--scale N` (default 10) in a template database; a GeoPackage of
 * `--rows` incidents (default 1,000,000) at positions sampled from the demo's incidents with a
 * jitter of at most ~1 m (so they stay inside their villages), properties ext_id, category, level,
 * source, occurred_at (DateTime), summary, written with ogr2ogr from a generated CSV.
 * Each run, on a fresh copy of the template database (CREATE DATABASE … TEMPLATE, not timed):
 * - ours: runImport(db, county admin scope, bytes, { layer: 'incidents', mode: 'commit',
 *   keyProperty: 'ext_id', skipRejected: true, limits: DEFAULT_IMPORT_LIMITS }) in a child
 *   process (so its peak RSS is its own), on the app's login role (RLS applies), timed from the
 *   bytes in memory to the report. Phases from onProgress, and every statement timed.
 * - ogr2ogr: `PG_USE_COPY=YES ogr2ogr -f PostgreSQL PG:… big.gpkg -nln incidents_ogr` into a new
 *   table, as the superuser (GDAL only copies: no checks, no placing, no RLS), timed around the
 *   process; peak RSS from /usr/bin/time.
 * Sides alternate (run 1 ours first, run 2 ogr2ogr first…).
 *
 * `--explain` logs the plan of every statement on the stage before running it.
 *
 * Run: `npx tsx bench/import-gpkg.ts [--scale 10] [--rows 1000000] [--runs 1] [--explain]`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openPostgres } from '../api/db/postgres.js';
import type { RequestScope } from '../api/db/scope.js';
import type { Db, Transaction } from '../api/db/types.js';
import { runImport, type ImportPhase } from '../api/imports/pipeline.js';
import { readSource } from '../geo/import/read.js';
import { DEFAULT_IMPORT_LIMITS } from '../geo/import/types.js';
import { INCIDENT_LEVELS, INCIDENT_SOURCES } from '../geo/layers.js';
import { benchArgs, log, machine, median, openCity } from './city.js';
import { seededRandom as rng } from '../api/demo/random.js';

interface ChildConfig { appUrl: string; file: string; scope: RequestScope; explain: boolean }
interface ChildResult {
  seconds: number;
  counts: Record<string, number>;
  committed: boolean;
  batchId: number | null;
  phases: Record<string, number>;
  statements: { sql: string; n: number; ms: number }[];
  maxRssMB: number;
  readOnlySeconds: number;
}

// ---------------------------------------------------------------------------------------------
// The child: one import, measured.
if (process.argv[2] === '--child') {
  const config = JSON.parse(Buffer.from(process.argv[3]!, 'base64url').toString('utf8')) as ChildConfig;
  const bytes = new Uint8Array(readFileSync(config.file));
  const base = await openPostgres({ connectionString: config.appUrl, poolMax: 2, connectTimeoutMs: 5000, statementTimeoutMs: 0 });
  const stats = new Map<string, { n: number; ms: number }>();
  const db = timed(base, stats, config.explain);
  const marks: { phase: ImportPhase; at: number; done: number }[] = [];
  let lastLog = 0;
  const t0 = performance.now();
  const report = await runImport(db, config.scope, bytes, {
    layer: 'incidents', mode: 'commit', fileName: 'big.gpkg', keyProperty: 'ext_id', skipRejected: true, read: {}, limits: DEFAULT_IMPORT_LIMITS,
  }, (p) => {
    const at = performance.now();
    marks.push({ phase: p.phase, at, done: p.done });
    if (marks.length === 1 || marks.at(-2)!.phase !== p.phase || at - lastLog > 15_000) {
      log(`  ours: ${p.phase} ${p.done}/${p.total ?? '?'} at ${((at - t0) / 1000).toFixed(1)} s, RSS ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MB`);
      lastLog = at;
    }
  }).catch((error: unknown) => {
    log(`  ours: failed after ${((performance.now() - t0) / 1000).toFixed(1)} s: ${(error as Error).message}`);
    log(`  statements so far: ${JSON.stringify([...stats].map(([sql, v]) => [sql.slice(0, 60), v.n, Math.round(v.ms)]))}`);
    throw error;
  });
  const t1 = performance.now();
  const first = (phase: ImportPhase) => marks.find((m) => m.phase === phase)?.at ?? NaN;
  const last = (phase: ImportPhase) => [...marks].reverse().find((m) => m.phase === phase)?.at ?? NaN;
  const s = (ms: number) => +(ms / 1000).toFixed(1);
  const phases = {
    'reading (open the GeoPackage in sql.js, count, first 10k rows)': s(first('checking') - t0),
    'checking (read + check every row in TypeScript)': s(first('placing') - first('checking')),
    'placing: staging (unnest INSERTs into the temp table)': s(last('placing') - first('placing')),
    'placing: classifying (stage index, village and grid, categories, duplicates, matches, ids, counts)': s(first('writing') - last('placing')),
    'writing (batch row, INSERT incidents, flow steps, audit, decisions fetched, COMMIT)': s(first('done') - first('writing')),
    total: s(t1 - t0),
  };
  await base.close();
  // For comparison: the read alone (sql.js + geometry decoding), no checks and no database.
  const r0 = performance.now();
  let n = 0;
  for (const row of (await readSource('big.gpkg', bytes, {}, DEFAULT_IMPORT_LIMITS)).rows) if (row.geometry) n++;
  const readOnlySeconds = s(performance.now() - r0);
  const result: ChildResult = {
    seconds: (t1 - t0) / 1000, counts: report.counts, committed: report.committed, batchId: report.batchId, phases,
    statements: [...stats].map(([sql, v]) => ({ sql, n: v.n, ms: Math.round(v.ms) })).sort((a, b) => b.ms - a.ms),
    maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), readOnlySeconds,
  };
  if (n !== report.counts.read) log(`  read-only pass saw ${n} rows with geometry of ${report.counts.read}`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

/**
 * The Db with every statement timed (grouped by its first 110 characters), COMMIT included; with
 * `explain`, the plan of every statement on the stage is logged first.
 */
function timed(db: Db, stats: Map<string, { n: number; ms: number }>, explain: boolean): Db {
  const add = (sql: string, ms: number) => {
    const key = sql.replace(/\s+/g, ' ').trim().slice(0, 110);
    const entry = stats.get(key) ?? { n: 0, ms: 0 };
    entry.n++;
    entry.ms += ms;
    stats.set(key, entry);
  };
  const wrap = <Q extends Db['query']>(query: Q): Q => (async (text: string, params?: readonly unknown[]) => {
    if (explain && /import_stage/.test(text) && /^\s*(WITH|UPDATE|INSERT|SELECT)/.test(text) && !/unnest\(/.test(text)) {
      // EXPLAIN without ANALYZE plans and does not run (data-modifying statements included).
      const plan = await query<Record<string, string>>(`EXPLAIN ${text}`, params);
      log(`  plan of ${text.replace(/\s+/g, ' ').trim().slice(0, 100)}…\n${plan.map((r) => `    ${r['QUERY PLAN']}`).join('\n')}`);
    }
    const t = performance.now();
    try {
      return await query(text, params);
    } finally {
      add(text, performance.now() - t);
    }
  }) as Q;
  return {
    ...db,
    query: wrap(db.query.bind(db)),
    async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
      let end = 0;
      const result = await db.transaction(async (tx) => {
        const out = await fn({ query: wrap(tx.query.bind(tx)), execScript: tx.execScript.bind(tx) });
        end = performance.now();
        return out;
      });
      add('COMMIT', performance.now() - end);
      return result;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The parent: set-up, the runs, the figures.
const args = benchArgs({
  rows: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '1' }, explain: { type: 'boolean', default: false },
});
const ROWS = Number(args.rows);
const RUNS = Number(args.runs);
const TEMPLATE = 'atlas_city';
const dir = mkdtempSync(join(tmpdir(), 'atlas-bench-import-'));
const city = await openCity(args.scale, { dbName: TEMPLATE });
const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
  const c = new pg.Client({ connectionString: city.server.adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
};
const urlOf = (name: string, role = 'postgres') => city.server.adminUrl.replace(/\/postgres$/, `/${name}`).replace('postgres://postgres@', `postgres://${role}@`);


async function writeGeoPackage(): Promise<{ path: string; seconds: number }> {
  const t0 = performance.now();
  const seeds = await city.owner.query<{ x: number; y: number; category: string }>(
    `SELECT ST_X(geom) AS x, ST_Y(geom) AS y, category FROM incidents WHERE grid_code IS NOT NULL ORDER BY id`,
  );
  log(`writing ${ROWS} incidents sampled from ${seeds.length} demo positions to CSV…`);
  const random = rng(20261123);
  const SUMMARIES = ['邻里纠纷', '噪音扰民', '占道经营', '乱堆乱放', '宅基地纠纷', '消防通道堵塞', '路灯损坏', '垃圾清运不及时', '违章搭建', '山林权属争议'];
  const from = Date.parse('2025-11-20T00:00:00Z');
  const span = Date.parse('2026-11-19T00:00:00Z') - from;
  const pad = (n: number) => String(n).padStart(2, '0');
  const local = (ms: number) => {
    const d = new Date(ms + 8 * 3_600_000);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+08:00`;
  };
  const csv = join(dir, 'big.csv');
  const out = createWriteStream(csv);
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write('ext_id,category,level,source,occurred_at,summary,lon,lat\n');
  let chunk = '';
  for (let i = 1; i <= ROWS; i++) {
    const s = seeds[Math.floor(random() * seeds.length)]!;
    const u = random();
    const level = u < 0.85 ? INCIDENT_LEVELS[0] : u < 0.97 ? INCIDENT_LEVELS[1] : INCIDENT_LEVELS[2];
    const source = INCIDENT_SOURCES[Math.floor(random() * INCIDENT_SOURCES.length)]!;
    const summary = SUMMARIES[Math.floor(random() * SUMMARIES.length)]!;
    const lon = s.x + (random() - 0.5) * 2e-5;
    const lat = s.y + (random() - 0.5) * 2e-5;
    chunk += `B${i},${s.category},${level},${source},${local(from + random() * span)},${summary},${lon.toFixed(7)},${lat.toFixed(7)}\n`;
    if (i % 20_000 === 0) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  writeFileSync(join(dir, 'big.csvt'), '"String","String","String","String","DateTime","String","Real","Real"\n');
  log('ogr2ogr CSV → GeoPackage…');
  const path = join(dir, 'big.gpkg');
  const made = spawnSync('ogr2ogr', [
    '-f', 'GPKG', path, csv, '-nln', 'incidents', '-a_srs', 'EPSG:4326',
    '-oo', 'X_POSSIBLE_NAMES=lon', '-oo', 'Y_POSSIBLE_NAMES=lat', '-oo', 'KEEP_GEOM_COLUMNS=NO', '-gt', '100000',
  ], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`ogr2ogr to GPKG failed: ${made.stderr}`);
  rmSync(csv);
  return { path, seconds: (performance.now() - t0) / 1000 };
}

async function freshCopy(name: string): Promise<void> {
  const t0 = performance.now();
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name}`);
    for (let attempt = 1; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE} STRATEGY = FILE_COPY`);
        return;
      } catch (error) {
        // 55006: a closed pool's backends are still exiting; they go within a second.
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  });
  log(`fresh copy ${name} of ${TEMPLATE} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const drop = (name: string) => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name}`));

async function countRows(name: string, sql: string): Promise<number> {
  const c = new pg.Client({ connectionString: urlOf(name) });
  await c.connect();
  try {
    return Number((await c.query(sql)).rows[0].n);
  } finally {
    await c.end();
  }
}

async function ours(run: number, gpkg: string): Promise<ChildResult & { written: number }> {
  const name = `atlas_imp_ours_${run}`;
  await freshCopy(name);
  log(`run ${run}: ours (runImport in a child process) into ${name}…`);
  const config: ChildConfig = { appUrl: urlOf(name, city.appUrl.match(/^postgres:\/\/([^@]+)@/)![1]!), file: gpkg, scope: { ...city.scope, requestId: `bench-import-${run}` }, explain: args.explain === true };
  const child = spawn(process.execPath, [
    '--max-old-space-size=8192', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', Buffer.from(JSON.stringify(config)).toString('base64url'),
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`our import's child exited with ${code}`);
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult;
  const written = await countRows(name, `SELECT count(*) AS n FROM incidents WHERE import_batch_id = ${Number(result.batchId ?? 0)}`);
  await drop(name);
  log(`run ${run}: ours ${result.seconds.toFixed(1)} s, ${written} incidents written, peak RSS ${result.maxRssMB} MB`);
  return { ...result, written };
}

async function ogr(run: number, gpkg: string): Promise<{ seconds: number; maxRssMB: number; written: number }> {
  const name = `atlas_imp_ogr_${run}`;
  await freshCopy(name);
  log(`run ${run}: ogr2ogr into ${name}.incidents_ogr…`);
  const { port } = city.server;
  const t0 = performance.now();
  const done = spawnSync('/usr/bin/time', [
    '-f', 'MAXRSS_KB=%M', 'ogr2ogr', '-f', 'PostgreSQL', `PG:host=127.0.0.1 port=${port} dbname=${name} user=postgres`, gpkg, '-nln', 'incidents_ogr',
  ], { encoding: 'utf8', env: { ...process.env, PG_USE_COPY: 'YES' } });
  const seconds = (performance.now() - t0) / 1000;
  if (done.status !== 0) throw new Error(`ogr2ogr failed: ${done.stderr}`);
  const maxRssMB = Math.round(Number(/MAXRSS_KB=(\d+)/.exec(done.stderr)?.[1] ?? 0) / 1024);
  const written = await countRows(name, 'SELECT count(*) AS n FROM incidents_ogr');
  await drop(name);
  log(`run ${run}: ogr2ogr ${seconds.toFixed(1)} s, ${written} rows, peak RSS ${maxRssMB} MB`);
  return { seconds, maxRssMB, written };
}

try {
  const made = await writeGeoPackage();
  const size = statSync(made.path).size;
  log(`GeoPackage: ${(size / 2 ** 20).toFixed(1)} MB in ${made.seconds.toFixed(1)} s`);
  await city.closePools(); // the template must have no connections
  const results: { run: number; ours: Awaited<ReturnType<typeof ours>>; ogr: Awaited<ReturnType<typeof ogr>> }[] = [];
  for (let run = 1; run <= RUNS; run++) {
    if (run % 2 === 1) {
      const o = await ours(run, made.path);
      results.push({ run, ours: o, ogr: await ogr(run, made.path) });
    } else {
      const g = await ogr(run, made.path);
      results.push({ run, ogr: g, ours: await ours(run, made.path) });
    }
  }

  const perSecond = (n: number, s: number) => Math.round(n / s);
  const table = results.map(({ run, ours: o, ogr: g }) => ({
    run, first: run % 2 === 1 ? 'ours' : 'ogr2ogr',
    oursS: +o.seconds.toFixed(1), oursRowsPerS: perSecond(ROWS, o.seconds), oursPeakRssMB: o.maxRssMB,
    ogrS: +g.seconds.toFixed(1), ogrRowsPerS: perSecond(ROWS, g.seconds), ogrPeakRssMB: g.maxRssMB,
    oursOverOgr: +(g.seconds / o.seconds).toFixed(3),
    created: o.counts.create, rejected: o.counts.rejected, written: o.written, ogrWritten: g.written,
  }));
  console.log(`\nGeoPackage import of ${ROWS} incidents (${(size / 2 ** 20).toFixed(1)} MB), scale-${city.scale} county (${city.engine}; ${machine()}). oursOverOgr = our features/s ÷ ogr2ogr's (goal ≥ 1.0).`);
  console.table(table);
  console.log(`median ours ${median(results.map((r) => r.ours.seconds)).toFixed(1)} s, ogr2ogr ${median(results.map((r) => r.ogr.seconds)).toFixed(1)} s, ratio ${(median(results.map((r) => r.ogr.seconds)) / median(results.map((r) => r.ours.seconds))).toFixed(3)}`);
  console.log(`API note: createApp's default importMaxBytes is 256 MiB; this file is ${(size / 2 ** 20).toFixed(1)} MiB (runImport was given DEFAULT_IMPORT_LIMITS, 512 MiB).`);
  for (const { run, ours: o } of results) {
    console.log(`\nRun ${run}, our phases (s); the read alone (sql.js + decoding, no checks, no database) took ${o.readOnlySeconds} s:`);
    console.table(Object.entries(o.phases).map(([phase, seconds]) => ({ phase, seconds })));
    console.log(`Run ${run}, our statements (ms, summed over repeats), top 15:`);
    console.table(o.statements.slice(0, 15));
  }
  console.log(JSON.stringify({ bench: 'import-gpkg', scale: city.scale, rows: ROWS, gpkgBytes: size, table, phases: results.map((r) => r.ours.phases), statements: results.map((r) => r.ours.statements.slice(0, 25)) }));
} finally {
  await city.close();
  rmSync(dir, { recursive: true, force: true });
}
