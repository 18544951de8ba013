import { beforeAll, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { createLogger } from '../../api/logger.js';
import { bearer, pickTestRegions, tokenFor, type TestRegions } from '../support/accounts.js';
import { describeEachDatabase } from '../support/databases.js';

const quiet = createLogger('error', () => undefined);

/**
 * `grid-metrics` (figures per grid for the analytic layers and the grid inspector) against both
 * databases. Two checks of different kinds:
 * - the demo's own year, against the grid codes the demo generator stored on every incident and
 *   camera (its own point-in-polygon, in JavaScript: an independent method);
 * - a fixture in January 2030 (years after the demo's data, so that window holds exactly it) in two
 *   grids A and B of village X that share a boundary vertex V, whose every expected figure is
 *   worked out here from the rows written below.
 */
describeEachDatabase('grid metrics', ({ db, owner }) => {
  let appInstance: ReturnType<typeof createApp> | null = null;
  const app = () => (appInstance ??= createApp({ db: db(), log: quiet, webDist: null }));
  let r: TestRegions;
  const t = { analystCounty: '', analystX: '', display: '' };
  const week = 'from=2030-01-07&to=2030-01-13'; // Monday to Sunday
  /** "Now" for the deadlines: a week after the window. */
  const late = `at=${encodeURIComponent('2030-01-20T12:00:00+08:00')}`;

  const get = (path: string, token: string) => app().request(path, { headers: bearer(token) });
  const result = async <T = any>(path: string, token: string): Promise<T> => {
    const res = await get(path, token);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { result: T }).result;
  };
  const one = async <T>(sql: string, params: unknown[] = []): Promise<T> => (await owner().query<T>(sql, params))[0]!;

  /** Grid A (lower code) and B (the next grid covering V), their interior points, and V. */
  let A = '';
  let B = '';
  let yGrid = '';
  const pts = { a: { x: 0, y: 0 }, b: { x: 0, y: 0 }, v: { x: 0, y: 0 }, y: { x: 0, y: 0 } };
  /** Cameras of the demo in A and B (by the generator's grid codes), before the fixture's. */
  const demoCameras = { a: 0, aOnline: 0, b: 0, bOnline: 0 };
  let cameraSeq = 0;
  let incidentB = 0;

  /** An incident (owner) at a local time, with its flow steps [seq action, deadline (local) or null]. */
  const insertIncident = async (p: {
    at: string; point: { x: number; y: number }; village?: string; category?: string; status?: string;
    steps: [string, string | null][];
  }): Promise<number> => {
    const village = p.village ?? r.villageX.code;
    const row = await one<{ id: number }>(
      `INSERT INTO incidents (county_code, village_code, category, level, source, occurred_at, reported_at, flow_level, status, geom)
       VALUES (left($1, 6), $1, $2, 'general', 'grid_worker', $3::timestamptz, $3::timestamptz, 'grid', $4, ST_SetSRID(ST_MakePoint($5, $6), 4326)) RETURNING id`,
      [village, p.category ?? 'dispute', `${p.at}+08:00`, p.status ?? 'reported', p.point.x, p.point.y],
    );
    for (const [k, [action, deadline]] of p.steps.entries()) await insertStep(Number(row.id), village, k + 1, action, p.at, deadline);
    return Number(row.id);
  };
  const insertStep = (id: number, village: string, seq: number, action: string, at: string, deadline: string | null) => owner().query(
    `INSERT INTO incident_flow_steps (incident_id, county_code, seq, flow_level, action, status_after, at, deadline_at)
     VALUES ($1, left($2, 6), $3, 'grid', $4, $5, $6::timestamptz, $7::timestamptz)`,
    [id, village, seq, action, action === 'resolve' ? 'resolved' : action === 'report' ? 'reported' : 'in_progress', `${at}+08:00`, deadline ? `${deadline}+08:00` : null],
  );
  const insertCamera = (point: { x: number; y: number }, status: string) => owner().query(
    `INSERT INTO cameras (code, county_code, village_code, kind, heading_deg, fov_deg, range_m, status, owner, geom)
     VALUES ($1, left($2, 6), $2, 'dome', 0, 360, 50, $3, 'test', ST_SetSRID(ST_MakePoint($4, $5), 4326))`,
    [`TEST-GM-${++cameraSeq}`, r.villageX.code, status, point.x, point.y],
  );

  beforeAll(async () => {
    r = await pickTestRegions(owner());
    t.analystCounty = (await tokenFor(owner(), 'analyst', r.county.code)).token;
    t.analystX = (await tokenFor(owner(), 'analyst', r.villageX.code)).token;
    t.display = (await tokenFor(owner(), 'display', r.county.code)).token;

    // A boundary vertex of village X's grids covered by exactly two of them (PostGIS decides).
    const shared = await one<{ x: number; y: number; covering: string[] }>(
      `SELECT ST_X(p.geom) AS x, ST_Y(p.geom) AS y,
              (SELECT array_agg(g.code ORDER BY g.code) FROM current_grids g WHERE g.village_code = a.village_code AND ST_Covers(g.geom, p.geom)) AS covering
       FROM current_grids a CROSS JOIN LATERAL ST_DumpPoints(a.geom) p
       WHERE a.village_code = $1
         AND (SELECT count(*) FROM current_grids g WHERE g.village_code = a.village_code AND ST_Covers(g.geom, p.geom)) = 2
       ORDER BY a.code, p.path LIMIT 1`,
      [r.villageX.code],
    );
    [A, B] = shared.covering as [string, string];
    pts.v = { x: shared.x, y: shared.y };
    const inside = (code: string) => one<{ x: number; y: number }>(
      'SELECT ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM current_grids WHERE code = $1', [code],
    );
    pts.a = await inside(A);
    pts.b = await inside(B);
    yGrid = (await one<{ code: string }>('SELECT min(code) AS code FROM current_grids WHERE village_code = $1', [r.villageY.code])).code;
    pts.y = await inside(yGrid);
    for (const [key, code] of [['a', A], ['b', B]] as const) {
      const c = await one<{ n: number; online: number }>(
        `SELECT count(*)::int AS n, (count(*) FILTER (WHERE status = 'online'))::int AS online FROM cameras WHERE grid_code = $1`, [code],
      );
      demoCameras[key] = c.n;
      demoCameras[key === 'a' ? 'aOnline' : 'bOnline'] = c.online;
    }

    // Grid A's attributes, set here so the expected values are ours: staffing 1+2+(3 full + 2 part-time).
    await owner().query(
      `UPDATE grids SET households = 321, residents = 987, leader_count = 1, instructor_count = 2, worker_count = 3, part_time_count = 2
       WHERE id = (SELECT id FROM current_grids WHERE code = $1)`, [A],
    );

    // [A] 1: open, its only deadline (Wed 9 Jan 10:00) long past by the 20th → overdue.
    await insertIncident({ at: '2030-01-08T10:00:00', point: pts.a, steps: [['report', '2030-01-09T10:00:00']] });
    // [A] 2: open; its first step's deadline passed, but the latest step's (1 Feb) has not → not overdue.
    await insertIncident({ at: '2030-01-09T10:00:00', point: pts.a, status: 'in_progress', steps: [['report', '2030-01-10T10:00:00'], ['handle', '2030-02-01T10:00:00']] });
    // [A] 3: 23:30 on Thursday, public order, resolved (its latest step carries no deadline) → not open.
    await insertIncident({ at: '2030-01-10T23:30:00', point: pts.a, category: 'public_order', status: 'resolved', steps: [['report', '2030-01-11T23:30:00'], ['resolve', null]] });
    // [B] 4: open, no deadline stored → open, not overdue.
    incidentB = await insertIncident({ at: '2030-01-11T09:00:00', point: pts.b, steps: [['report', null]] });
    // [V] 5: on the vertex A and B share: counts once, in A (the lower code), as the API locates points.
    await insertIncident({ at: '2030-01-12T12:00:00', point: pts.v, category: 'traffic', steps: [['report', '2030-01-13T12:00:00']] });
    // Outside the local window: Monday 14 Jan 00:10 and Sunday 6 Jan 23:50.
    await insertIncident({ at: '2030-01-14T00:10:00', point: pts.a, steps: [['report', '2030-01-15T00:10:00']] });
    await insertIncident({ at: '2030-01-06T23:50:00', point: pts.a, steps: [['report', '2030-01-07T23:50:00']] });
    // Another township's village: only the county sees it.
    await insertIncident({ at: '2030-01-08T10:00:00', point: pts.y, village: r.villageY.code, steps: [['report', '2030-01-09T10:00:00']] });
    // Cameras: two online and one offline in A, a faulty one in B, an online one on V (→ A).
    await insertCamera(pts.a, 'online');
    await insertCamera(pts.a, 'online');
    await insertCamera(pts.a, 'offline');
    await insertCamera(pts.b, 'fault');
    await insertCamera(pts.v, 'online');
  });

  const row = (res: { grids: { code: string }[] }, code: string) => res.grids.find((g) => g.code === code) as any;

  it('agrees with the demo generator\'s own grid of every incident and camera over a year', async () => {
    const res = await result(`/api/analytics/grid-metrics?from=2025-11-20&to=2026-11-19&at=2026-11-20T10:00:00%2B08:00`, t.analystCounty);
    const truth = await owner().query<{ code: string; incidents: number; open: number; cameras: number; online: number }>(
      `WITH i AS (
         SELECT grid_code AS code, count(*)::int AS incidents, (count(*) FILTER (WHERE status NOT IN ('resolved', 'closed')))::int AS open
         FROM incidents WHERE occurred_at >= '2025-11-20T00:00:00+08' AND occurred_at < '2026-11-20T00:00:00+08' GROUP BY grid_code
       ), c AS (
         SELECT grid_code AS code, count(*)::int AS cameras, (count(*) FILTER (WHERE status = 'online'))::int AS online
         FROM cameras WHERE code NOT LIKE 'TEST-%' GROUP BY grid_code
       )
       SELECT g.code, coalesce(i.incidents, 0) AS incidents, coalesce(i.open, 0) AS open,
              coalesce(c.cameras, 0) AS cameras, coalesce(c.online, 0) AS online
       FROM current_grids g LEFT JOIN i USING (code) LEFT JOIN c USING (code) ORDER BY g.code`,
    );
    expect(res.grids.map((g: { code: string }) => g.code)).toEqual(truth.map((g) => g.code));
    let fixtureCameras = 0;
    for (const g of truth) {
      const got = row(res, g.code);
      // The fixture's five cameras (inserted without a grid code) add to A and B.
      const extra = g.code === A ? { n: 3 + 1, online: 3 } : g.code === B ? { n: 1, online: 0 } : { n: 0, online: 0 };
      fixtureCameras += extra.n;
      expect({ code: g.code, incidents: got.incidents, open: got.openIncidents, cameras: got.cameras, online: got.camerasOnline })
        .toEqual({ code: g.code, incidents: g.incidents, open: g.open, cameras: g.cameras + extra.n, online: g.online + extra.online });
    }
    expect(fixtureCameras).toBe(5);
    expect(res.grids.reduce((s: number, g: { incidents: number }) => s + g.incidents, 0)).toBeGreaterThan(20_000);
    // Overdue per village: the flow-deadlines analytic recomputes every deadline from the steps and
    // the working-day calendar (geo/flow-deadline.ts), where grid-metrics reads the stored ones.
    const deadlines = await result(`/api/analytics/flow-deadlines?from=2025-11-20&to=2026-11-19&at=2026-11-20T10:00:00%2B08:00`, t.analystCounty);
    const overdue = new Map<string, number>();
    for (const g of res.grids as { villageCode: string; overdueIncidents: number }[]) overdue.set(g.villageCode, (overdue.get(g.villageCode) ?? 0) + g.overdueIncidents);
    const expected = new Map<string, number>((deadlines.overdueByVillage as { villageCode: string; overdue: number }[]).map((v) => [v.villageCode, v.overdue]));
    expect([...overdue].filter(([, n]) => n > 0).sort()).toEqual([...expected].sort());
    expect([...expected.values()].reduce((s, n) => s + n, 0)).toBeGreaterThan(0);
  });

  it('counts the window\'s incidents per grid, open and overdue, a shared vertex once, and the cameras inside', async () => {
    const res = await result(`/api/analytics/grid-metrics?region=${r.villageX.code}&${week}&${late}`, t.analystX);
    expect(res.region).toBe(r.villageX.code);
    expect(res.from).toBe('2030-01-07');
    expect(res.to).toBe('2030-01-13');
    expect(Object.keys(res).sort()).toEqual(['from', 'grids', 'region', 'to']);
    const a = row(res, A);
    expect(a).toEqual({
      code: A, name: a.name, gridClass: a.gridClass, villageCode: r.villageX.code,
      households: 321, residents: 987, leaders: 1, instructors: 2, workers: 5,
      incidents: 4, openIncidents: 3, overdueIncidents: 2,
      cameras: demoCameras.a + 4, camerasOnline: demoCameras.aOnline + 3,
    });
    expect(typeof a.name).toBe('string');
    expect(['A', 'B', 'C']).toContain(a.gridClass);
    expect(row(res, B)).toMatchObject({ incidents: 1, openIncidents: 1, overdueIncidents: 0, cameras: demoCameras.b + 1, camerasOnline: demoCameras.bOnline });
    // Every grid of village X, and nothing else: the other grids had no incident in 2030.
    const gridsOfX = (await owner().query<{ code: string }>('SELECT code FROM current_grids WHERE village_code = $1 ORDER BY code', [r.villageX.code])).map((g) => g.code);
    expect(res.grids.map((g: { code: string }) => g.code)).toEqual(gridsOfX);
    expect(res.grids.reduce((s: number, g: { incidents: number }) => s + g.incidents, 0)).toBe(5);
  });

  it('reads the deadlines as of `at`', async () => {
    // Wednesday 9 Jan 09:00: incident 1's deadline (10:00) has not passed yet; incident 5's is days away.
    const early = await result(`/api/analytics/grid-metrics?region=${r.villageX.code}&${week}&at=2030-01-09T09:00:00%2B08:00`, t.analystX);
    expect(row(early, A).overdueIncidents).toBe(0);
    // Sunday 13 Jan 13:00: incident 1 (9 Jan) and 5 (13 Jan 12:00) are overdue.
    const sunday = await result(`/api/analytics/grid-metrics?region=${r.villageX.code}&${week}&at=2030-01-13T13:00:00%2B08:00`, t.analystX);
    expect(row(sunday, A).overdueIncidents).toBe(2);
  });

  it('follows the incident filters and the hour band', async () => {
    const disputes = await result(`/api/analytics/grid-metrics?region=${r.villageX.code}&${week}&${late}&category=dispute`, t.analystX);
    expect(row(disputes, A)).toMatchObject({ incidents: 2, openIncidents: 2, overdueIncidents: 1 });
    expect(row(disputes, B).incidents).toBe(1);
    const night = await result(`/api/analytics/grid-metrics?region=${r.villageX.code}&${week}&${late}&hours=22-6`, t.analystX);
    expect(row(night, A)).toMatchObject({ incidents: 1, openIncidents: 0, overdueIncidents: 0 });
    expect(row(night, B).incidents).toBe(0);
    // Filters narrow incidents only: the cameras stay.
    expect(row(night, A).cameras).toBe(demoCameras.a + 4);
    const resolved = await result(`/api/analytics/grid-metrics?region=${r.villageX.code}&${week}&${late}&status=resolved,closed`, t.analystX);
    expect(row(resolved, A)).toMatchObject({ incidents: 1, openIncidents: 0 });
    const oneDay = await result(`/api/analytics/grid-metrics?region=${r.villageX.code}&from=2030-01-12&to=2030-01-12&${late}`, t.analystX);
    expect(row(oneDay, A).incidents).toBe(1); // the vertex incident only
  });

  it('answers for one grid with grid=, and for the county with the other township\'s grids', async () => {
    const onlyB = await result(`/api/analytics/grid-metrics?region=${r.villageX.code}&grid=${B}&${week}&${late}`, t.analystX);
    expect(onlyB.grids).toHaveLength(1);
    expect(onlyB.grids[0]).toMatchObject({ code: B, incidents: 1, cameras: demoCameras.b + 1 });
    // Without region: the caller's own region, which holds the grid.
    const onlyA = await result(`/api/analytics/grid-metrics?grid=${A}&${week}&${late}`, t.analystX);
    expect(onlyA.grids.map((g: { code: string }) => g.code)).toEqual([A]);
    expect(onlyA.grids[0].incidents).toBe(4);
    const county = await result(`/api/analytics/grid-metrics?${week}&${late}`, t.analystCounty);
    expect(row(county, yGrid).incidents).toBe(1);
    expect(row(county, A).incidents).toBe(4);
    expect(county.grids.reduce((s: number, g: { incidents: number }) => s + g.incidents, 0)).toBe(6);
    const township = await result(`/api/analytics/grid-metrics?region=${r.townshipX.code.slice(0, 9)}&${week}&${late}`, t.analystCounty);
    expect(township.grids.every((g: { code: string }) => g.code.startsWith(r.townshipX.code.slice(0, 9)))).toBe(true);
    expect(township.grids.reduce((s: number, g: { incidents: number }) => s + g.incidents, 0)).toBe(5);
  });

  it('gives the grid polygons with the same properties as GeoJSON, and a CSV for those who export', async () => {
    const json = await result(`/api/analytics/grid-metrics?region=${r.villageX.code}&${week}&${late}`, t.analystX);
    const res = await get(`/api/analytics/grid-metrics?region=${r.villageX.code}&${week}&${late}&format=geojson`, t.analystX);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    const fc = await res.json() as { type: string; features: { id: string; geometry: { type: string; coordinates: number[][][][] }; properties: Record<string, unknown> }[] };
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.map((f) => f.id)).toEqual(json.grids.map((g: { code: string }) => g.code));
    for (const [k, f] of fc.features.entries()) {
      expect(f.properties).toEqual(json.grids[k]);
      expect(f.geometry.type).toBe('MultiPolygon');
    }
    // The polygon is the grid's: its area matches PostGIS's within the 6-decimal rounding.
    const fa = fc.features.find((f) => f.id === A)!;
    const area = await one<{ same: boolean }>(
      `SELECT abs(ST_Area(ST_GeomFromGeoJSON($2)) - ST_Area(geom)) < ST_Area(geom) * 1e-3 AS same FROM current_grids WHERE code = $1`,
      [A, JSON.stringify(fa.geometry)],
    );
    expect(area.same).toBe(true);
    const csv = await get(`/api/analytics/grid-metrics?region=${r.villageX.code}&${week}&${late}&format=csv`, t.analystX);
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[0]).toBe('code,name,grid_class,village_code,households,residents,leaders,instructors,workers,incidents,openIncidents,overdueIncidents,cameras,camerasOnline');
    expect(lines).toHaveLength(1 + json.grids.length);
    expect((await get(`/api/analytics/grid-metrics?${week}&format=csv`, t.display)).status).toBe(403);
  });

  it('is an aggregate walls read; respects the region scope; refuses bad parameters', async () => {
    const wall = await result(`/api/analytics/grid-metrics?${week}&${late}`, t.display);
    expect(row(wall, A).incidents).toBe(4);
    const list = await (await get('/api/analytics', t.display)).json() as { analytics: { id: string; formats: string[] }[] };
    expect(list.analytics.find((a) => a.id === 'grid-metrics')?.formats).toEqual(['json', 'geojson', 'csv']);
    expect((await get(`/api/analytics/grid-metrics?region=${r.villageY.code}&${week}`, t.analystX)).status).toBe(403);
    // A grid outside the region asked for, or not a grid code.
    const outside = await get(`/api/analytics/grid-metrics?region=${r.villageX.code}&grid=${yGrid}&${week}`, t.analystCounty);
    expect(outside.status).toBe(400);
    expect(await outside.text()).toMatch(/not in region/);
    expect((await get(`/api/analytics/grid-metrics?grid=12345&${week}`, t.analystX)).status).toBe(400);
    expect((await get(`/api/analytics/grid-metrics?${week}&res=9`, t.analystX)).status).toBe(400);
    // A village analyst does not see village Y's grids even in a county-wide question.
    const own = await result(`/api/analytics/grid-metrics?${week}&${late}`, t.analystX);
    expect(own.grids.every((g: { code: string }) => g.code.startsWith(r.villageX.code))).toBe(true);
  });

  it('recomputes after a write to any table it reads (a new flow step makes B overdue)', async () => {
    const path = `/api/analytics/grid-metrics?region=${r.villageX.code}&${week}&${late}`;
    await get(path, t.analystX);
    const cached = await get(path, t.analystX);
    expect(cached.headers.get('x-analytics-cache')).toBe('hit');
    // Escalated on Saturday with a deadline on the 15th: past by the 20th.
    await insertStep(incidentB, r.villageX.code, 2, 'escalate', '2030-01-12T09:00:00', '2030-01-15T09:00:00');
    const after = await get(path, t.analystX);
    expect(after.headers.get('x-analytics-cache')).toBe('miss');
    const res = ((await after.json()) as { result: any }).result;
    expect(row(res, B).overdueIncidents).toBe(1);
  });
});
