import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { cellDegreesAt } from '../../api/analytics/incident-clusters.js';
import { createLogger } from '../../api/logger.js';
import { bearer, pickTestRegions, tokenFor, type TestRegions } from '../support/accounts.js';
import { describeEachDatabase } from '../support/databases.js';

const quiet = createLogger('error', () => undefined);

/**
 * The two analytics the client draws its drill-down and incident clusters from, against both
 * databases. The fixture is five incidents in March 2031 (long after the demo's data), so a window
 * of that month holds exactly them and every expected figure is counted by hand below.
 */
describeEachDatabase('client analytics', ({ db, owner }) => {
  let appInstance: ReturnType<typeof createApp> | null = null;
  const app = () => (appInstance ??= createApp({ db: db(), log: quiet, webDist: null }));
  let r: TestRegions;
  let token = '';
  let villageToken = '';
  let grid: { code: string; x: number; y: number };
  const month = 'from=2031-03-01&to=2031-03-31';

  const get = async <T = any>(path: string, as = token): Promise<{ status: number; body: T }> => {
    const res = await app().request(path, { headers: bearer(as) });
    return { status: res.status, body: (await res.json()) as T };
  };
  const result = async <T = any>(path: string, as = token): Promise<T> => {
    const { status, body } = await get<{ result: T }>(path, as);
    if (status !== 200) throw new Error(`${path}: ${status} ${JSON.stringify(body)}`);
    return body.result;
  };

  beforeAll(async () => {
    r = await pickTestRegions(owner());
    token = (await tokenFor(owner(), 'analyst', r.county.code)).token;
    villageToken = (await tokenFor(owner(), 'analyst', r.villageX.code)).token;
    [grid] = await owner().query<{ code: string; x: number; y: number }>(
      `SELECT code, ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y
       FROM current_grids WHERE village_code = $1 ORDER BY code LIMIT 1`, [r.villageX.code],
    ) as [{ code: string; x: number; y: number }];
    // A: three at one point of the grid (09:00, 10:00, 23:30 local; one resolved, one red);
    // B: two 0.2° east (09:30, and 00:30 local = 16:30 UTC the day before; one public order).
    const rows: [number, string, string, string, string | null][] = [
      [0, '2031-03-10T09:00:00', 'dispute', 'reported', null],
      [0, '2031-03-10T10:00:00', 'dispute', 'resolved', null],
      [0, '2031-03-11T23:30:00', 'dispute', 'reported', 'red'],
      [0.2, '2031-03-12T09:30:00', 'dispute', 'reported', null],
      [0.2, '2031-03-13T00:30:00', 'public_order', 'accepted', null],
    ];
    for (const [dx, at, category, status, colour] of rows) {
      await owner().query(
        `INSERT INTO incidents (county_code, village_code, grid_code, category, level, source, occurred_at, reported_at, flow_level, status, warning_colour, geom)
         VALUES (left($1, 6), $1, $2, $3, 'general', 'grid_worker', $4::timestamptz, $4::timestamptz, 'grid', $5, $6, ST_SetSRID(ST_MakePoint($7, $8), 4326))`,
        [r.villageX.code, dx === 0 ? grid.code : null, category, `${at}+08:00`, status, colour, grid.x + dx, grid.y],
      );
    }
  });

  describe('incident-clusters', () => {
    it('bins the window into clusters at the mean position, with open and red counts', async () => {
      const res = await result(`/api/analytics/incident-clusters?${month}&zoom=10`);
      // 48 px at zoom 10: 360 / 1024 × 48 / 256 ≈ 0.0659°, far less than the 0.2° between A and B.
      expect(res.cellDegrees).toBeCloseTo(cellDegreesAt(10, 48), 8);
      expect(res.cellDegrees).toBeCloseTo(0.06591797, 6);
      expect(res.total).toBe(5);
      expect(res.open).toBe(4);
      expect(res.clusters.map((c: any) => c.count)).toEqual([3, 2]);
      const [a, b] = res.clusters;
      expect(a.lon).toBeCloseTo(grid.x, 5);
      expect(a.lat).toBeCloseTo(grid.y, 5);
      expect([a.open, a.red, a.topCategory]).toEqual([2, 1, 'dispute']);
      expect(b.lon).toBeCloseTo(grid.x + 0.2, 5);
      expect(b.open).toBe(2);
    });

    it('follows the hour band (also across midnight) and the category filter', async () => {
      expect((await result(`/api/analytics/incident-clusters?${month}&zoom=10&hours=8-12`)).total).toBe(3);
      // 23:30 and 00:30 local; the latter is the previous day in UTC.
      expect((await result(`/api/analytics/incident-clusters?${month}&zoom=10&hours=23-1`)).total).toBe(2);
      expect((await result(`/api/analytics/incident-clusters?${month}&zoom=10&category=public_order`)).total).toBe(1);
      // One day: only the 10 March pair.
      expect((await result('/api/analytics/incident-clusters?from=2031-03-10&to=2031-03-10&zoom=10')).total).toBe(2);
    });

    it('merges everything into one bin when the bins are wide, and limits to a bbox', async () => {
      // At zoom 4 a 256-px bin is 22.5°: both points share one unless a bin edge falls between.
      const wide = await result(`/api/analytics/incident-clusters?${month}&zoom=4&cell=256`);
      expect(wide.total).toBe(5);
      const bbox = [grid.x - 0.01, grid.y - 0.01, grid.x + 0.01, grid.y + 0.01].map((v) => v.toFixed(6)).join(',');
      expect((await result(`/api/analytics/incident-clusters?${month}&zoom=10&bbox=${bbox}`)).total).toBe(3);
    });

    it('refuses bad parameters by name and answers GeoJSON points', async () => {
      const bad = await get<{ error: { message: string } }>(`/api/analytics/incident-clusters?${month}&zoom=40`);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('zoom');
      const badBox = await get<{ error: { message: string } }>(`/api/analytics/incident-clusters?${month}&bbox=1,2,3`);
      expect(badBox.status).toBe(400);
      expect(badBox.body.error.message).toContain('bbox');
      const res = await app().request(`/api/analytics/incident-clusters?${month}&zoom=10&format=geojson`, { headers: bearer(token) });
      const fc = (await res.json()) as GeoJSON.FeatureCollection;
      expect(fc.features.map((f) => (f.properties as { count: number }).count)).toEqual([3, 2]);
      expect(fc.features[0]!.geometry.type).toBe('Point');
    });
  });

  describe('region-summary', () => {
    it("splits the county into its townships, with the village's incidents in its township", async () => {
      const res = await result(`/api/analytics/region-summary?${month}`);
      expect(res.partKind).toBe('township');
      const [townships] = await owner().query<{ n: number }>(`SELECT count(*)::int AS n FROM regions WHERE level = 'township'`);
      expect(res.parts).toHaveLength(townships!.n);
      expect(res.totals.incidents).toBe(5);
      expect(res.totals.open).toBe(4);
      expect(res.totals.red).toBe(1);
      const township = res.parts.find((p: any) => r.townshipX.code.startsWith(p.code));
      expect(township.name).toBe(r.townshipX.name);
      expect(township.incidents).toBe(5);
      // What exists is counted independently by SQL here.
      const [counts] = await owner().query<{ grids: number; cameras: number; online: number }>(
        `SELECT (SELECT count(*) FROM current_grids WHERE village_code LIKE $1)::int AS grids,
                (SELECT count(*) FROM cameras WHERE village_code LIKE $1)::int AS cameras,
                (SELECT count(*) FROM cameras WHERE village_code LIKE $1 AND status = 'online')::int AS online`,
        [`${township.code}%`],
      );
      expect([township.grids, township.cameras, township.camerasOnline]).toEqual([counts!.grids, counts!.cameras, counts!.online]);
    });

    it('splits a village into its grids, counting what lies in no grid in the totals only', async () => {
      const res = await result(`/api/analytics/region-summary?${month}&region=${r.villageX.code}`, villageToken);
      expect(res.partKind).toBe('grid');
      expect(res.totals.incidents).toBe(5);
      const g = res.parts.find((p: any) => p.code === grid.code);
      expect(g.incidents).toBe(3);
      expect(res.parts.reduce((s: number, p: any) => s + p.incidents, 0)).toBe(3);
      expect(res.parts.every((p: any) => p.code !== '')).toBe(true);
    });

    it('answers 403 for a region outside the caller', async () => {
      const res = await get(`/api/analytics/region-summary?${month}&region=${r.county.code.slice(0, 6)}`, villageToken);
      expect(res.status).toBe(403);
    });
  });
});
