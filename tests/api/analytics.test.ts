import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { createLogger } from '../../api/logger.js';
import { bearer, pickTestRegions, tokenFor, type TestRegions } from '../support/accounts.js';
import { describeEachDatabase } from '../support/databases.js';

const quiet = createLogger('error', () => undefined);

/**
 * The analytics endpoints against both databases. Fixtures are written as the owner into the demo
 * county in January 2030, years after the demo's own data (generated up to the template's "now"),
 * so a window of 2030 holds exactly the fixture and every expected figure is worked out here, or
 * by PostGIS as an independent method (lengths of intersections, distances and azimuths), never
 * copied from the code under test. The pure computations have their own fixture suites in tests/geo.
 */
describeEachDatabase('analytics', ({ db, owner }) => {
  let appInstance: ReturnType<typeof createApp> | null = null;
  /** One app for the whole suite: its analytics cache lives as long as it does. */
  const app = () => (appInstance ??= createApp({ db: db(), log: quiet, webDist: null }));
  let r: TestRegions;
  const t = { analystCounty: '', analystX: '', display: '', operatorX: '' };
  const get = (path: string, token: string, headers: Record<string, string> = {}) => app().request(path, { headers: { ...bearer(token), ...headers } });
  const getJson = async <T = any>(path: string, token: string): Promise<T> => {
    const res = await get(path, token);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { result: T }).result;
  };
  const one = async <T>(sql: string, params: unknown[] = []): Promise<T> => (await owner().query<T>(sql, params))[0]!;
  /** Epoch seconds of a local (UTC+8) wall-clock time. */
  const local = (iso: string) => Date.parse(`${iso}+08:00`) / 1000;

  let grid: { code: string; x: number; y: number; grid_class: string; worker_id: number; village_code: string };

  /** Inserts a patrol track (owner) with vertices [lon, lat, local time]. */
  const insertTrack = async (vertices: [number, number, string][]) => {
    const wkt = `LINESTRING M (${vertices.map(([x, y, at]) => `${x} ${y} ${local(at)}`).join(', ')})`;
    await owner().query(
      `INSERT INTO patrol_tracks (county_code, village_code, grid_code, worker_id, started_at, ended_at, distance_m, geom)
       VALUES (left($1, 6), $1, $2, $3, to_timestamp($4), to_timestamp($5), 0, ST_GeomFromText($6, 4326))`,
      [grid.village_code, grid.code, grid.worker_id, local(vertices[0]![2]), local(vertices[vertices.length - 1]![2]), wkt],
    );
  };
  /** Inserts an incident (owner) at a local time, with its report step; returns its id. */
  const insertIncident = async (p: { x: number; y: number; at: string; category?: string; subcategory?: string | null; level?: string; people?: number | null; status?: string; village?: string }) => {
    const row = await one<{ id: number }>(
      `INSERT INTO incidents (county_code, village_code, category, subcategory, level, source, people_involved, occurred_at, reported_at, flow_level, status, geom)
       VALUES (left($1, 6), $1, $2, $3, $4, 'grid_worker', $5, to_timestamp($6), to_timestamp($6), 'grid', $7, ST_SetSRID(ST_MakePoint($8, $9), 4326)) RETURNING id`,
      [p.village ?? grid.village_code, p.category ?? 'dispute', p.subcategory ?? null, p.level ?? 'general', p.people ?? null, local(p.at), p.status ?? 'reported', p.x, p.y],
    );
    await owner().query(
      `INSERT INTO incident_flow_steps (incident_id, county_code, seq, flow_level, action, status_after, at) VALUES ($1, left($2, 6), 1, 'grid', 'report', 'reported', to_timestamp($3))`,
      [row.id, p.village ?? grid.village_code, local(p.at)],
    );
    return Number(row.id);
  };

  beforeAll(async () => {
    r = await pickTestRegions(owner());
    t.analystCounty = (await tokenFor(owner(), 'analyst', r.county.code)).token;
    t.analystX = (await tokenFor(owner(), 'analyst', r.villageX.code)).token;
    t.operatorX = (await tokenFor(owner(), 'operator', r.villageX.code)).token;
    t.display = (await tokenFor(owner(), 'display', r.county.code)).token;
    // The largest grid of village X that has a patrol worker, and a point well inside it.
    grid = await one(
      `SELECT g.code, g.grid_class, g.village_code, ST_X(ST_PointOnSurface(g.geom)) AS x, ST_Y(ST_PointOnSurface(g.geom)) AS y,
              (SELECT worker_id FROM patrol_tracks p WHERE p.grid_code = g.code LIMIT 1)::int AS worker_id
       FROM current_grids g WHERE g.village_code = $1 AND EXISTS (SELECT 1 FROM patrol_tracks p WHERE p.grid_code = g.code)
       ORDER BY ST_Area(g.geom) DESC LIMIT 1`,
      [r.villageX.code],
    );
    const inside = await one<{ ok: boolean }>(
      `SELECT ST_CoveredBy(ST_SetSRID(ST_MakeLine(ST_MakePoint($2, $3), ST_MakePoint($2 + 0.00001, $3)), 4326), geom) AS ok FROM current_grids WHERE code = $1`,
      [grid.code, grid.x, grid.y],
    );
    expect(inside.ok).toBe(true);
  });

  describe('patrol coverage', () => {
    const week = 'from=2030-01-07&to=2030-01-13'; // Monday to Sunday
    let frac = 0;
    beforeAll(async () => {
      const { x, y } = grid;
      const e = 0.00001; // ~1 m east: a back-and-forth walk that stays inside the grid
      // Monday: 09:00–13:00 inside, crossing noon (3 h am, 1 h pm).
      await insertTrack([[x, y, '2030-01-07T09:00:00'], [x + e, y, '2030-01-07T11:00:00'], [x, y, '2030-01-07T13:00:00']]);
      // Tuesday 23:00 → Wednesday 01:00 inside: one hour on each date.
      await insertTrack([[x, y, '2030-01-08T23:00:00'], [x + e, y, '2030-01-09T01:00:00']]);
      // Thursday: out 5.5 km east and back, an hour each way: it leaves the grid and re-enters it.
      await insertTrack([[x, y, '2030-01-10T09:00:00'], [x + 0.05, y, '2030-01-10T10:00:00'], [x, y, '2030-01-10T11:00:00']]);
      // Independent: the share of the outbound segment inside the grid, by PostGIS's planar intersection.
      frac = (await one<{ f: number }>(
        `SELECT ST_Length(ST_Intersection(l, g.geom)) / ST_Length(l) AS f
         FROM current_grids g, ST_SetSRID(ST_MakeLine(ST_MakePoint($2, $3), ST_MakePoint($2 + 0.05, $3)), 4326) AS l WHERE g.code = $1`,
        [grid.code, x, y],
      )).f;
      expect(frac).toBeGreaterThan(0);
      expect(frac).toBeLessThan(1);
    });

    it('time in the grid per day: a noon crossing, a midnight crossing, a track that leaves and re-enters', async () => {
      const result = await getJson(`/api/analytics/patrol-coverage?region=${r.villageX.code}&${week}&period=day`, t.analystX);
      const g = result.grids.find((x: { code: string }) => x.code === grid.code);
      const day = (d: string) => g.series.find((s: { period: string }) => s.period === d) ?? { seconds: 0 };
      expect(day('2030-01-07').seconds).toBeCloseTo(4 * 3600, 0);
      expect(day('2030-01-07').amSeconds).toBeCloseTo(3 * 3600, 0);
      expect(day('2030-01-07').pmSeconds).toBeCloseTo(3600, 0);
      expect(day('2030-01-08').seconds).toBeCloseTo(3600, 0);
      expect(day('2030-01-09').seconds).toBeCloseTo(3600, 0);
      expect(Math.abs(day('2030-01-10').seconds - 2 * 3600 * frac)).toBeLessThan(2);
      const total = 4 * 3600 + 2 * 3600 + 2 * 3600 * frac;
      expect(Math.abs(g.seconds - total)).toBeLessThan(3);
      expect(g.daysPatrolled).toBe(4);
      // Compliance against the grid's class rule and the 2 h daily mean, with the shortfall.
      const mean = g.rules.find((x: { rule: string }) => x.rule === 'daily_mean_2h');
      expect(mean.met).toBe(false);
      expect(mean.actual).toBeCloseTo(total / 7 / 3600, 2);
      expect(mean.shortfall).toBeCloseTo(2 - total / 7 / 3600, 2);
      expect(g.compliant).toBe(false);
      const classRule = { A: 'class_a_days', B: 'class_b_half_days', C: 'class_c_schedule' }[grid.grid_class]!;
      expect(g.rules.map((x: { rule: string }) => x.rule)).toContain(classRule);
      expect(result.outOfCompliance.map((x: { code: string }) => x.code)).toContain(grid.code);
      expect(g.coverageShare).toBeGreaterThan(0);
      expect(g.coverageShare).toBeLessThanOrEqual(1);
    });

    it('week and month periods add up the same time', async () => {
      const w = await getJson(`/api/analytics/patrol-coverage?region=${r.villageX.code}&${week}&period=week`, t.analystX);
      const m = await getJson(`/api/analytics/patrol-coverage?region=${r.villageX.code}&${week}&period=month`, t.analystX);
      const gw = w.grids.find((x: { code: string }) => x.code === grid.code);
      const gm = m.grids.find((x: { code: string }) => x.code === grid.code);
      expect(gw.series).toHaveLength(1);
      expect(gw.series[0].period).toBe('2030-W02');
      expect(gm.series[0].period).toBe('2030-01');
      expect(gw.series[0].seconds).toBeCloseTo(gw.seconds, 3);
      expect(gm.series[0].seconds).toBeCloseTo(gw.seconds, 3);
    });
  });

  describe('flow deadlines', () => {
    let id = 0;
    beforeAll(async () => {
      // Reported on Friday 4 January 2030 at 18:00: the grid has 1 working day, so until Monday 18:00.
      id = await insertIncident({ x: grid.x, y: grid.y, at: '2030-01-04T18:00:00', category: 'livelihood' });
    });
    const deadlines = (at: string) =>
      getJson(`/api/analytics/flow-deadlines?region=${r.villageX.code}&from=2030-01-01&to=2030-01-31&at=${encodeURIComponent(`${at}+08:00`)}`, t.analystX);

    it('is on time over the weekend, due soon on Monday, overdue on Monday evening', async () => {
      const sunday = await deadlines('2030-01-06T12:00:00');
      expect(sunday.open).toBe(1);
      expect(sunday.byLevel.grid.on_time).toBe(1);
      const monday = await deadlines('2030-01-07T09:00:00');
      expect(monday.items.map((i: { id: number }) => i.id)).toEqual([id]);
      expect(monday.items[0].warning).toBe('due_soon');
      expect(monday.items[0].deadline).toBe(new Date(local('2030-01-07T18:00:00') * 1000).toISOString());
      const later = await deadlines('2030-01-09T19:00:00');
      expect(later.items[0].warning).toBe('overdue');
      expect(later.items[0].overdueWorkingDays).toBe(2);
      expect(later.byLevel.grid.overdue).toBe(1);
      expect(later.overdueByVillage).toEqual([{ villageCode: r.villageX.code, overdue: 1 }]);
    });

    it('exports the overdue list as CSV', async () => {
      const res = await get(`/api/analytics/flow-deadlines?region=${r.villageX.code}&from=2030-01-01&to=2030-01-31&at=2030-01-09T19:00:00%2B08:00&format=csv`, t.analystX);
      expect(res.status).toBe(200);
      const lines = (await res.text()).replace(/^\uFEFF/, '').trim().split('\n');
      expect(lines[0]).toMatch(/^id,category,level/);
      expect(lines[1]).toMatch(new RegExp(`^${id},livelihood,general`));
    });
  });

  describe('three-nos', () => {
    let veto = 0;
    let collective = 0;
    beforeAll(async () => {
      veto = await insertIncident({ x: grid.x, y: grid.y, at: '2030-03-01T10:00:00', category: 'criminal_case', subcategory: 'criminal_case.violent', level: 'major' });
      collective = await insertIncident({ x: grid.x, y: grid.y, at: '2030-03-02T10:00:00', category: 'petition', subcategory: 'petition.visit', people: 6 });
    });

    it('names the events that broke a village\'s criteria and vetoed its year', async () => {
      const result = await getJson(`/api/analytics/three-nos?region=${r.townshipX.code.slice(0, 9)}&year=2030&at=2030-06-01T00:00:00%2B08:00`, t.analystCounty);
      const x = result.villages.find((v: { code: string }) => v.code === r.villageX.code);
      expect(x.status).toBe('failed');
      expect(x.vetoed).toBe(true);
      expect(x.vetoedBy).toEqual([veto]);
      const crit = (grp: string, idx: number) => x.criteria.find((c: { grp: string; idx: number }) => c.grp === grp && c.idx === idx);
      expect(crit('no_case', 1).met).toBe(false);
      expect(crit('no_case', 1).brokenBy).toEqual([veto]);
      expect(crit('no_petition', 3).brokenBy).toEqual([collective]);
      expect(crit('no_accident', 1).met).toBe(true);
      // Other villages of the township have no 2030 events and no 2030 assessment: still in progress.
      const others = result.villages.filter((v: { code: string }) => v.code !== r.villageX.code);
      expect(others.length).toBeGreaterThan(0);
      expect(others.every((v: { status: string }) => v.status === 'in_progress')).toBe(true);
      const township = result.townships.find((s: { code: string }) => s.code === r.townshipX.code);
      expect(township.villages).toBe(result.villages.length);
      expect(township.failed).toBe(1);
      expect(township.share).toBeCloseTo((result.villages.length - 1) / result.villages.length, 3);
    });
  });

  describe('camera coverage', () => {
    it('counts cameras against the 5/2 rule and households inside online sectors, as PostGIS finds them', async () => {
      // The county's analyst: a village's analyst does not see the neighbours' cameras (row-level
      // security), which may also look into village X.
      const result = await getJson(`/api/analytics/camera-coverage?region=${r.villageX.code}`, t.analystCounty);
      const truth = await one<{ n: number; online: number }>(
        `SELECT count(*)::int AS n, (count(*) FILTER (WHERE status = 'online'))::int AS online FROM cameras WHERE village_code = $1`, [r.villageX.code],
      );
      expect(result.cameras).toBe(truth.n);
      expect(result.online).toBe(truth.online);
      const village = result.rule.villages.find((v: { code: string }) => v.code === r.villageX.code);
      expect(village).toMatchObject({ required: 5, cameras: truth.n, met: truth.n >= 5 });
      // Households in at least one online sector, by geodesic distance and azimuth in PostGIS.
      const covered = await one<{ total: number; covered: number }>(
        `SELECT sum(a.households)::int AS total,
                coalesce(sum(a.households) FILTER (WHERE EXISTS (
                  SELECT 1 FROM cameras c WHERE c.village_code LIKE left($1, 6) || '%' AND c.status = 'online'
                    AND ST_DWithin(c.geom::geography, a.geom::geography, c.range_m - 1)
                    AND (c.fov_deg >= 360 OR abs(mod((degrees(ST_Azimuth(c.geom::geography, a.geom::geography)) - c.heading_deg + 540)::numeric, 360) - 180) <= c.fov_deg / 2 - 0.5)
                )), 0)::int AS covered
         FROM address_points a WHERE a.village_code = $1`,
        [r.villageX.code],
      );
      expect(result.households.households).toBe(covered.total);
      // The SQL side is shrunk by 1 m and 0.5°: it may only find fewer, never more, and nearly all.
      expect(result.households.covered).toBeGreaterThanOrEqual(covered.covered);
      expect(result.households.covered - covered.covered).toBeLessThanOrEqual(Math.max(3, covered.total * 0.02));
      expect(result.gaps.every((g: { uncoveredHouseholds: number; uncoveredIncidents: number }) => g.uncoveredHouseholds + g.uncoveredIncidents > 0)).toBe(true);
    });
  });

  describe('hotspots', () => {
    it('counts the window\'s disputes on hexagons, with Gi* bins and township rates', async () => {
      const q = `region=${r.county.code.slice(0, 6)}&from=2026-01-01&to=2026-12-31&res=8`;
      const result = await getJson(`/api/analytics/hotspots?${q}`, t.analystCounty);
      const truth = await one<{ n: number; local: number }>(
        `SELECT count(*)::int AS n, (count(*) FILTER (WHERE status IN ('resolved', 'closed') AND flow_level <> 'county'))::int AS local
         FROM incidents WHERE category = 'dispute' AND occurred_at >= '2026-01-01T00:00:00+08' AND occurred_at < '2027-01-01T00:00:00+08'`,
      );
      expect(result.disputes).toBe(truth.n);
      expect(result.cells.reduce((s: number, c: { disputes: number }) => s + c.disputes, 0)).toBe(truth.n);
      expect(result.studyCells).toBeGreaterThan(result.cells.filter((c: { disputes: number }) => c.disputes > 0).length);
      for (const c of result.cells) {
        const expected = Math.abs(c.z) >= 2.576 ? 3 : Math.abs(c.z) >= 1.96 ? 2 : Math.abs(c.z) >= 1.645 ? 1 : 0;
        expect(Math.abs(c.bin)).toBe(expected);
      }
      expect(result.cells.some((c: { bin: number }) => c.bin === 3)).toBe(true);
      const local = result.townships.reduce((s: number, x: { resolvedLocally: number }) => s + x.resolvedLocally, 0);
      expect(local).toBe(truth.local);
      const geo = await (await get(`/api/analytics/hotspots?${q}&format=geojson`, t.display)).json() as { features: { geometry: { coordinates: number[][][] } }[] };
      expect(geo.features).toHaveLength(result.cells.length);
      expect(geo.features[0]!.geometry.coordinates[0]).toHaveLength(7);
    });
  });

  describe('patrol gaps and camera siting', () => {
    const q = (extra = '') => `region=${r.villageX.code}&from=2030-02-04&to=2030-02-10&hours=18-24${extra}`;
    let far: { x: number; y: number };
    beforeAll(async () => {
      // A corner of village X away from the fixture patrols: 5 disputes in the evening band, 1 at noon.
      far = await one(
        `SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_PointOnSurface(geom) AS p FROM current_grids WHERE village_code = $1 AND code <> $2 ORDER BY code LIMIT 1) s`,
        [r.villageX.code, grid.code],
      );
      for (let i = 0; i < 5; i++) await insertIncident({ x: far.x + i * 0.00002, y: far.y, at: `2030-02-0${5 + (i % 3)}T20:0${i}:00` });
      await insertIncident({ x: far.x, y: far.y, at: '2030-02-05T12:00:00' });
      await insertIncident({ x: grid.x, y: grid.y, at: '2030-02-05T21:00:00' });
    });

    it('ranks the cells with incidents in the band and no patrol first, with reasons; a patrol there changes the ranking', async () => {
      const before = await getJson(`/api/analytics/patrol-gaps?${q()}`, t.analystX);
      expect(before.cells.reduce((s: number, c: { incidents: number }) => s + c.incidents, 0)).toBe(6);
      const top = before.cells[0];
      expect(top.rank).toBe(1);
      expect(top.incidents).toBe(5);
      expect(top.reasons.map((x: { code: string }) => x.code)).toContain('no_patrol');
      // Walk the fixture grid's cell every evening of the window: its score drops to 0.
      for (const d of ['04', '05', '06', '07', '08', '09', '10']) {
        await insertTrack([[grid.x, grid.y, `2030-02-${d}T19:00:00`], [grid.x + 0.00001, grid.y, `2030-02-${d}T20:00:00`]]);
      }
      const res = await get(`/api/analytics/patrol-gaps?${q()}`, t.analystX);
      expect(res.headers.get('x-analytics-cache')).toBe('miss');
      const after = ((await res.json()) as { result: any }).result;
      const patrolled = after.cells.find((c: { incidents: number; patrolCoverage: number }) => c.patrolCoverage === 1);
      expect(patrolled?.score ?? 0).toBe(0);
      const csv = await (await get(`/api/analytics/patrol-gaps?${q('&format=csv')}`, t.analystX)).text();
      expect(csv.replace(/^\uFEFF/, '').split('\n')[0]).toMatch(/^rank,cell/);
    });

    it('suggests first the site that covers the evening cluster', async () => {
      const result = await getJson(`/api/analytics/camera-siting?${q('&k=3&range=100')}`, t.analystX);
      expect(result.sites.length).toBeGreaterThan(0);
      const first = result.sites[0];
      const d = await one<{ m: number }>('SELECT ST_Distance(ST_MakePoint($1, $2)::geography, ST_MakePoint($3, $4)::geography) AS m', [first.lon, first.lat, far.x, far.y]);
      if (first.gain >= 5) expect(d.m).toBeLessThan(200);
      expect(result.sites.map((s: { cumulative: number }) => s.cumulative)).toEqual(
        result.sites.map((_: unknown, i: number) => result.sites.slice(0, i + 1).reduce((s: number, x: { gain: number }) => s + x.gain, 0)),
      );
      expect(result.totalDemand).toBeLessThanOrEqual(result.incidents);
    });
  });

  describe('access, parameters and the cache', () => {
    it('refuses a region outside the caller\'s, bad parameters, and siting for walls', async () => {
      const outside = await get(`/api/analytics/hotspots?region=${r.villageY.code}`, t.analystX);
      expect(outside.status, await outside.clone().text()).toBe(403);
      const bad = await get('/api/analytics/patrol-coverage?from=2030-02-30', t.analystX);
      expect(bad.status).toBe(400);
      expect(await bad.text()).toMatch(/from must be a date/);
      expect((await get('/api/analytics/patrol-coverage?hours=25-3', t.analystX)).status).toBe(400);
      expect((await get('/api/analytics/patrol-coverage?colour=red', t.analystX)).status).toBe(400);
      expect((await get('/api/analytics/nope', t.analystX)).status).toBe(404);
      expect((await get('/api/analytics/camera-siting', t.display)).status).toBe(403);
      expect((await get(`/api/analytics/three-nos?format=csv&year=2030&region=${r.villageX.code}`, t.display)).status).toBe(403);
      // Walls read every aggregate analytic (their database role has no free-text columns to leak).
      for (const id of ['patrol-coverage', 'camera-coverage', 'hotspots', 'three-nos', 'flow-deadlines', 'patrol-gaps']) {
        const res = await get(`/api/analytics/${id}?region=${r.villageX.code}`, t.display);
        expect(res.status, `${id}: ${await res.clone().text()}`).toBe(200);
      }
      const list = await (await get('/api/analytics', t.display)).json() as { analytics: { id: string }[] };
      expect(list.analytics.map((a) => a.id)).not.toContain('camera-siting');
      expect(list.analytics.map((a) => a.id)).toContain('patrol-coverage');
    });

    it('serves a repeated request from the cache, revalidates by ETag, and recomputes after a write', async () => {
      const path = `/api/analytics/hotspots?region=${r.villageX.code}&from=2030-01-01&to=2030-12-31`;
      const first = await get(path, t.analystX);
      const second = await get(path, t.analystX);
      expect(second.headers.get('x-analytics-cache')).toBe('hit');
      expect(((await second.json()) as { result: unknown }).result).toEqual(((await first.json()) as { result: unknown }).result);
      const etag = second.headers.get('etag')!;
      expect((await get(path, t.analystX, { 'if-none-match': etag })).status).toBe(304);
      const before = (await (await get(path, t.analystX)).json() as { result: { disputes: number } }).result.disputes;
      await insertIncident({ x: grid.x, y: grid.y, at: '2030-04-01T10:00:00' });
      const after = await get(path, t.analystX);
      expect(after.headers.get('x-analytics-cache')).toBe('miss');
      expect(after.headers.get('etag')).not.toBe(etag);
      expect(((await after.json()) as { result: { disputes: number } }).result.disputes).toBe(before + 1);
    });
  });
});
