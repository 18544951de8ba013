import { length } from '@turf/turf';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { createLogger } from '../../api/logger.js';
import { accountFor, bearer, pickTestRegions, tokenFor, type TestRegions } from '../support/accounts.js';
import { describeEachDatabase } from '../support/databases.js';

const quiet = createLogger('error', () => undefined);

/**
 * REST feature writes of the layers added after cameras and key places: address points, patrol
 * tracks and regions. Each is checked against the database as its owner sees it (the stored row,
 * its measures, the audit log), on PGlite and on the PostGIS server.
 */
describeEachDatabase('feature writes (address points, patrol tracks, regions)', ({ db, owner }) => {
  const app = () => createApp({ db: db(), log: quiet, webDist: null });
  let r: TestRegions;
  const t = { adminCounty: '', adminX: '', plannerX: '', analystX: '', display: '' };
  /** A point inside a current grid of village X (and of Y), with that grid's code. */
  let pointX: [number, number] = [0, 0];
  let gridX = '';
  let pointY: [number, number] = [0, 0];

  const send = (method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) =>
    app().request(path, {
      method, headers: { ...bearer(token), 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const get = (path: string, token: string) => app().request(path, { headers: bearer(token) });
  const one = async <T>(sql: string, params: unknown[] = []): Promise<T> => (await owner().query<T>(sql, params))[0]!;
  const count = async (sql: string, params: unknown[] = []) => (await one<{ n: number }>(`SELECT (${sql})::int AS n`, params)).n;
  /** The audit entries of one row, oldest first, as the owner reads them. */
  const auditOf = (table: string, rowId: string | number) =>
    owner().query<{ action: string; region_code: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }>(
      'SELECT action, region_code, before, after FROM audit_log WHERE table_name = $1 AND row_id = $2 ORDER BY id', [table, String(rowId)],
    );

  beforeAll(async () => {
    r = await pickTestRegions(owner());
    t.adminCounty = (await tokenFor(owner(), 'admin', r.county.code)).token;
    t.adminX = (await tokenFor(owner(), 'admin', r.villageX.code)).token;
    t.plannerX = (await tokenFor(owner(), 'planner', r.villageX.code)).token;
    t.analystX = (await tokenFor(owner(), 'analyst', r.villageX.code)).token;
    t.display = (await tokenFor(owner(), 'display', r.county.code)).token;
    const inGrid = async (village: string) => {
      const p = await one<{ x: number; y: number; code: string }>(
        `SELECT ST_X(p) AS x, ST_Y(p) AS y, code FROM (SELECT code, ST_PointOnSurface(geom) AS p FROM current_grids WHERE village_code = $1 ORDER BY code LIMIT 1) g`,
        [village],
      );
      return p;
    };
    const x = await inGrid(r.villageX.code);
    pointX = [x.x, x.y];
    gridX = x.code;
    const y = await inGrid(r.villageY.code);
    pointY = [y.x, y.y];
  });

  describe('address points', () => {
    const addressPoint = (coordinates: [number, number], properties: Record<string, unknown>) => ({
      type: 'Feature', geometry: { type: 'Point', coordinates }, properties,
    });

    it('create (village and grid found from the point) → read → update with If-Match → stale 409 → delete, each audited', async () => {
      const before = await count('SELECT count(*) FROM address_points');
      const sentCode = await send('POST', '/api/layers/address_points/features', t.plannerX,
        addressPoint(pointX, { households: 12, village_code: r.villageY.code }));
      expect(sentCode.status).toBe(400);
      const sentError = (await sentCode.json()).error;
      expect(sentError.code).toBe('ValidationFailed');
      expect(sentError.message).toMatch(/village_code/);
      expect(await count('SELECT count(*) FROM address_points')).toBe(before);

      const created = await send('POST', '/api/layers/address_points/features', t.plannerX, addressPoint(pointX, { households: 12, building_kind: 'mixed' }));
      expect(created.status).toBe(201);
      expect(created.headers.get('etag')).toBe('"1"');
      const feature = await created.json();
      expect(feature.properties).toEqual({ id: feature.id, households: 12, building_kind: 'mixed', village_code: r.villageX.code, grid_code: gridX });
      const path = `/api/layers/address_points/features/${feature.id}`;
      expect(created.headers.get('location')).toBe(path);
      const stored = await one<{ county_code: string; x: number; y: number; row_version: number }>(
        'SELECT county_code, ST_X(geom) AS x, ST_Y(geom) AS y, row_version FROM address_points WHERE id = $1', [feature.id],
      );
      expect(stored).toEqual({ county_code: r.villageX.code.slice(0, 6), x: pointX[0], y: pointX[1], row_version: 1 });

      const read = await get(path, t.analystX);
      expect(read.status).toBe(200);
      expect(read.headers.get('etag')).toBe('"1"');
      expect((await read.json()).properties.households).toBe(12);

      const changed = await send('PATCH', path, t.plannerX, { properties: { households: 30 } }, { 'if-match': '"1"' });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).toBe('"2"');
      expect((await changed.json()).properties).toMatchObject({ households: 30, building_kind: 'mixed', village_code: r.villageX.code });

      const stale = await send('PATCH', path, t.plannerX, { properties: { households: 99 } }, { 'if-match': '"1"' });
      expect(stale.status).toBe(409);
      expect((await stale.json()).error.code).toBe('StaleWrite');
      expect(await one('SELECT households, row_version FROM address_points WHERE id = $1', [feature.id])).toEqual({ households: 30, row_version: 2 });

      expect((await send('DELETE', path, t.plannerX, undefined, { 'if-match': '"1"' })).status).toBe(409);
      expect((await send('DELETE', path, t.plannerX, undefined, { 'if-match': '"2"' })).status).toBe(204);
      expect((await get(path, t.analystX)).status).toBe(404);
      expect(await count('SELECT count(*) FROM address_points WHERE id = $1', [feature.id])).toBe(0);

      const audit = await auditOf('address_points', feature.id);
      expect(audit.map((a) => a.action)).toEqual(['insert', 'update', 'delete']);
      expect(audit.every((a) => a.region_code === r.villageX.code)).toBe(true);
      expect(audit[1]!.before).toMatchObject({ households: 12 });
      expect(audit[1]!.after).toMatchObject({ households: 30, row_version: 2 });
    });

    it('a point in another village is 403 OutOfScope for a village planner; nothing is written', async () => {
      const before = await count('SELECT count(*) FROM address_points WHERE village_code = $1', [r.villageY.code]);
      const res = await send('POST', '/api/layers/address_points/features', t.plannerX, addressPoint(pointY, { households: 3 }));
      expect(res.status).toBe(403);
      expect((await res.json()).error.code).toBe('OutOfScope');
      expect(await count('SELECT count(*) FROM address_points WHERE village_code = $1', [r.villageY.code])).toBe(before);
      // The same point is fine for the county: the refusal is the planner's scope, not the point.
      const county = await send('POST', '/api/layers/address_points/features', t.adminCounty, addressPoint(pointY, { households: 3 }));
      expect(county.status).toBe(201);
      expect((await county.json()).properties.village_code).toBe(r.villageY.code);
    });

    it.each([[-1], [1.5], ['x'], [null]])('households %j → 400 naming the field, nothing written', async (households) => {
      const before = await count('SELECT count(*) FROM address_points');
      const res = await send('POST', '/api/layers/address_points/features', t.plannerX, addressPoint(pointX, { households }));
      expect(res.status).toBe(400);
      const error = (await res.json()).error;
      expect(error.code).toBe('ValidationFailed');
      expect(error.message).toMatch(/^households: /);
      expect(await count('SELECT count(*) FROM address_points')).toBe(before);
    });

    it('a bad households in a change is refused and leaves the row as it was', async () => {
      const feature = await (await send('POST', '/api/layers/address_points/features', t.plannerX, addressPoint(pointX, { households: 5 }))).json();
      const res = await send('PATCH', `/api/layers/address_points/features/${feature.id}`, t.plannerX, { properties: { households: -1 } }, { 'if-match': '"1"' });
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toMatch(/households/);
      expect(await one('SELECT households, row_version FROM address_points WHERE id = $1', [feature.id])).toEqual({ households: 5, row_version: 1 });
      expect((await send('POST', '/api/layers/address_points/features', t.analystX, addressPoint(pointX, { households: 5 }))).status).toBe(403);
    });
  });

  describe('patrol tracks', () => {
    let workerX = 0;
    let workerY = 0;
    const started = '2026-11-19T08:00:00+08:00';
    const ended = '2026-11-19T09:30:00+08:00';
    const epoch = (iso: string) => Date.parse(iso) / 1000;
    /** A straight line through the grid's point, symmetric about it (so the point locates the track). */
    const line = (half: number): GeoJSON.LineString => ({
      type: 'LineString', coordinates: [[pointX[0] - half, pointX[1] - half / 2], pointX, [pointX[0] + half, pointX[1] + half / 2]],
    });
    const track = (geometry: GeoJSON.Geometry, properties: Record<string, unknown> = {}) => ({
      type: 'Feature', geometry, properties: { worker_id: workerX, started_at: started, ended_at: ended, ...properties },
    });
    const measures = (id: number) =>
      one<{ type: string; srid: number; m0: number; mid: number; m1: number; distance_m: number; geodesic: number; village_code: string; grid_code: string; county_code: string }>(
        `SELECT GeometryType(geom) AS type, ST_SRID(geom) AS srid, ST_M(ST_StartPoint(geom)) AS m0, ST_M(ST_PointN(geom, 2)) AS mid,
                ST_M(ST_EndPoint(geom)) AS m1, distance_m, ST_Length(geom::geography) AS geodesic, village_code, grid_code, county_code
         FROM patrol_tracks WHERE id = $1`,
        [id],
      );

    beforeAll(async () => {
      const worker = (village: string) =>
        one<{ id: string }>(`SELECT id FROM staff WHERE role = 'grid_worker' AND active AND region_code = $1 ORDER BY id LIMIT 1`, [village]);
      workerX = Number((await worker(r.villageX.code)).id);
      workerY = Number((await worker(r.villageY.code)).id);
    });

    it('create stores a LineStringM measured from started_at to ended_at, with its length; changing a time re-measures it', async () => {
      const geometry = line(3e-4);
      const created = await send('POST', '/api/layers/patrol_tracks/features', t.plannerX, track(geometry));
      expect(created.status).toBe(201);
      expect(created.headers.get('etag')).toBe('"1"');
      const feature = await created.json();
      const expectedLength = length({ type: 'Feature', geometry, properties: {} }, { units: 'meters' });
      expect(expectedLength).toBeGreaterThan(50);
      expect(feature.properties).toMatchObject({ worker_id: workerX, grid_code: gridX });
      expect(Math.abs(feature.properties.distance_m - expectedLength)).toBeLessThan(0.1);
      expect(Date.parse(feature.properties.started_at)).toBe(Date.parse(started));
      expect(Date.parse(feature.properties.ended_at)).toBe(Date.parse(ended));

      let stored = await measures(feature.id);
      expect(stored).toMatchObject({ type: 'LINESTRINGM', srid: 4326, m0: epoch(started), m1: epoch(ended), village_code: r.villageX.code, grid_code: gridX });
      expect(stored.county_code).toBe(r.villageX.code.slice(0, 6));
      // Times are spread by distance: the middle vertex of a symmetric line is half-way.
      expect(stored.mid).toBeCloseTo((epoch(started) + epoch(ended)) / 2, 3);
      expect(Math.abs(stored.distance_m - expectedLength)).toBeLessThan(0.1);
      expect(Math.abs(stored.distance_m - stored.geodesic) / stored.geodesic).toBeLessThan(0.005);

      const path = `/api/layers/patrol_tracks/features/${feature.id}`;
      const read = await get(path, t.analystX);
      expect(read.status).toBe(200);
      expect(read.headers.get('etag')).toBe('"1"');

      const later = '2026-11-19T10:00:00+08:00';
      const endChanged = await send('PATCH', path, t.plannerX, { properties: { ended_at: later } }, { 'if-match': '"1"' });
      expect(endChanged.status).toBe(200);
      expect(endChanged.headers.get('etag')).toBe('"2"');
      expect(Date.parse((await endChanged.json()).properties.ended_at)).toBe(Date.parse(later));
      stored = await measures(feature.id);
      expect(stored.m0).toBe(epoch(started));
      expect(stored.m1).toBe(epoch(later));
      expect(stored.mid).toBeCloseTo((epoch(started) + epoch(later)) / 2, 3);

      const earlier = '2026-11-19T07:00:00+08:00';
      const startChanged = await send('PATCH', path, t.plannerX, { properties: { started_at: earlier } }, { 'if-match': '"2"' });
      expect(startChanged.status).toBe(200);
      expect(startChanged.headers.get('etag')).toBe('"3"');
      stored = await measures(feature.id);
      expect([stored.m0, stored.m1]).toEqual([epoch(earlier), epoch(later)]);

      // A new line is re-located, re-measured with the stored times and its length derived again.
      const longer = line(6e-4);
      const reshaped = await send('PATCH', path, t.plannerX, { geometry: longer }, { 'if-match': '"3"' });
      expect(reshaped.status).toBe(200);
      expect(reshaped.headers.get('etag')).toBe('"4"');
      stored = await measures(feature.id);
      const longerLength = length({ type: 'Feature', geometry: longer, properties: {} }, { units: 'meters' });
      expect(Math.abs(stored.distance_m - longerLength)).toBeLessThan(0.1);
      expect(stored).toMatchObject({ type: 'LINESTRINGM', m0: epoch(earlier), m1: epoch(later), grid_code: gridX });

      const stale = await send('PATCH', path, t.plannerX, { properties: { ended_at: ended } }, { 'if-match': '"3"' });
      expect(stale.status).toBe(409);
      expect((await stale.json()).error.code).toBe('StaleWrite');
      expect((await measures(feature.id)).m1).toBe(epoch(later));

      expect((await send('DELETE', path, t.plannerX, undefined, { 'if-match': '"4"' })).status).toBe(204);
      expect(await count('SELECT count(*) FROM patrol_tracks WHERE id = $1', [feature.id])).toBe(0);
      const audit = await auditOf('patrol_tracks', feature.id);
      expect(audit.map((a) => a.action)).toEqual(['insert', 'update', 'update', 'update', 'delete']);
      expect(audit.every((a) => a.region_code === r.villageX.code)).toBe(true);
    });

    it('ended_at before started_at → 400, on create and on a change of one time; nothing changes', async () => {
      const before = await count('SELECT count(*) FROM patrol_tracks');
      const backwards = await send('POST', '/api/layers/patrol_tracks/features', t.plannerX, track(line(3e-4), { ended_at: '2026-11-19T07:59:59+08:00' }));
      expect(backwards.status).toBe(400);
      const error = (await backwards.json()).error;
      expect(error.code).toBe('ValidationFailed');
      expect(error.message).toMatch(/ended_at/);
      expect(await count('SELECT count(*) FROM patrol_tracks')).toBe(before);

      const feature = await (await send('POST', '/api/layers/patrol_tracks/features', t.plannerX, track(line(3e-4)))).json();
      const path = `/api/layers/patrol_tracks/features/${feature.id}`;
      const endBeforeStart = await send('PATCH', path, t.plannerX, { properties: { ended_at: '2026-11-19T07:00:00+08:00' } }, { 'if-match': '"1"' });
      expect(endBeforeStart.status).toBe(400);
      expect((await endBeforeStart.json()).error.message).toMatch(/ended_at/);
      const startAfterEnd = await send('PATCH', path, t.plannerX, { properties: { started_at: '2026-11-19T10:00:00+08:00' } }, { 'if-match': '"1"' });
      expect(startAfterEnd.status).toBe(400);
      expect((await startAfterEnd.json()).error.message).toMatch(/ended_at|started_at/);
      const stored = await measures(feature.id);
      expect([stored.m0, stored.m1]).toEqual([epoch(started), epoch(ended)]);
      expect(await count('SELECT row_version FROM patrol_tracks WHERE id = $1', [feature.id])).toBe(1);
    });

    it('the worker must be an active grid worker of the track\'s village', async () => {
      const planner = await accountFor(owner(), `planner-track-${Date.now()}`, 'planner', r.villageX.code);
      const plannerId = Number((planner as { id: number | string }).id);
      const before = await count('SELECT count(*) FROM patrol_tracks');
      for (const [token, workerId] of [[t.plannerX, plannerId], [t.plannerX, 999_999_999], [t.plannerX, workerY], [t.adminCounty, workerY]] as const) {
        const res = await send('POST', '/api/layers/patrol_tracks/features', token, track(line(3e-4), { worker_id: workerId }));
        expect(res.status, `worker ${workerId}`).toBe(400);
        expect((await res.json()).error.message).toMatch(/worker_id/);
      }
      expect(await count('SELECT count(*) FROM patrol_tracks')).toBe(before);
      // Nor may a change hand the track to a worker of another village, or move it into one.
      const feature = await (await send('POST', '/api/layers/patrol_tracks/features', t.adminCounty, track(line(3e-4)))).json();
      const path = `/api/layers/patrol_tracks/features/${feature.id}`;
      const handOver = await send('PATCH', path, t.adminCounty, { properties: { worker_id: workerY } }, { 'if-match': '"1"' });
      expect(handOver.status).toBe(400);
      expect((await handOver.json()).error.message).toMatch(/worker_id/);
      const lineY: GeoJSON.LineString = { type: 'LineString', coordinates: [[pointY[0] - 3e-4, pointY[1]], pointY, [pointY[0] + 3e-4, pointY[1]]] };
      const moved = await send('PATCH', path, t.adminCounty, { geometry: lineY }, { 'if-match': '"1"' });
      expect(moved.status).toBe(400);
      expect((await moved.json()).error.message).toMatch(/worker_id/);
      expect(await one('SELECT worker_id::int AS w, village_code, row_version FROM patrol_tracks WHERE id = $1', [feature.id]))
        .toEqual({ w: workerX, village_code: r.villageX.code, row_version: 1 });
      // Moved together with a worker of the new village, it is fine.
      const both = await send('PATCH', path, t.adminCounty, { geometry: lineY, properties: { worker_id: workerY } }, { 'if-match': '"1"' });
      expect(both.status).toBe(200);
      expect((await both.json()).properties.worker_id).toBe(workerY);
      expect((await one<{ village_code: string }>('SELECT village_code FROM patrol_tracks WHERE id = $1', [feature.id])).village_code).toBe(r.villageY.code);
    });

    it('an inactive worker cannot be given a track, but his old tracks stay editable', async () => {
      const other = await one<{ id: string }>(
        `SELECT id FROM staff WHERE role = 'grid_worker' AND region_code = $1 AND id <> $2 ORDER BY id LIMIT 1`, [r.villageX.code, workerX],
      );
      const workerId = Number(other.id);
      const feature = await (await send('POST', '/api/layers/patrol_tracks/features', t.plannerX, track(line(3e-4), { worker_id: workerId }))).json();
      expect(feature.properties.worker_id).toBe(workerId);
      await owner().query('UPDATE staff SET active = false WHERE id = $1', [workerId]);
      try {
        const res = await send('POST', '/api/layers/patrol_tracks/features', t.plannerX, track(line(3e-4), { worker_id: workerId }));
        expect(res.status).toBe(400);
        expect((await res.json()).error.message).toMatch(/worker_id/);
        const later = await send('PATCH', `/api/layers/patrol_tracks/features/${feature.id}`, t.plannerX, { properties: { ended_at: '2026-11-19T09:45:00+08:00' } }, { 'if-match': '"1"' });
        expect(later.status).toBe(200);
        expect((await measures(feature.id)).m1).toBe(epoch('2026-11-19T09:45:00+08:00'));
      } finally {
        await owner().query('UPDATE staff SET active = true WHERE id = $1', [workerId]);
      }
    });

    it('a wall display can neither read nor write patrol tracks', async () => {
      expect((await get('/api/layers/patrol_tracks/features?limit=1', t.display)).status).toBe(403);
      const [id] = await owner().query<{ id: string }>('SELECT id FROM patrol_tracks ORDER BY id LIMIT 1');
      expect((await get(`/api/layers/patrol_tracks/features/${id!.id}`, t.display)).status).toBe(403);
      expect((await send('POST', '/api/layers/patrol_tracks/features', t.display, track(line(3e-4)))).status).toBe(403);
    });
  });

  it('a change keeps the properties it does not name (defaults are for creation only)', async () => {
    const place = await send('POST', '/api/layers/key_places/features', t.plannerX, {
      type: 'Feature', geometry: { type: 'Point', coordinates: pointX }, properties: { name: '集贸市场', place_type: 'market', risk_level: 'high' },
    });
    expect(place.status).toBe(201);
    const placeId = (await place.json()).id;
    const renamed = await send('PATCH', `/api/layers/key_places/features/${placeId}`, t.plannerX, { properties: { name: '新集贸市场' } }, { 'if-match': '"1"' });
    expect(renamed.status).toBe(200);
    expect((await renamed.json()).properties).toMatchObject({ name: '新集贸市场', risk_level: 'high' });
    const camera = await send('POST', '/api/layers/cameras/features', t.plannerX, {
      type: 'Feature', geometry: { type: 'Point', coordinates: pointX },
      properties: { code: `L-${Date.now()}`, kind: 'dome', heading_deg: 10, fov_deg: 60, range_m: 50, status: 'offline', owner: '村委会' },
    });
    const cameraId = (await camera.json()).id;
    const turned = await send('PATCH', `/api/layers/cameras/features/${cameraId}`, t.plannerX, { properties: { heading_deg: 20 } }, { 'if-match': '"1"' });
    expect((await turned.json()).properties).toMatchObject({ heading_deg: 20, status: 'offline' });
    expect((await one<{ status: string }>('SELECT status FROM cameras WHERE id = $1', [cameraId])).status).toBe('offline');
  });

  describe('regions', () => {
    /** A free 12-digit village code under a township: its 9 digits and an unused 3-digit suffix. */
    const freeVillageCode = async (township: string) => {
      const used = new Set((await owner().query<{ code: string }>('SELECT code FROM regions WHERE code LIKE $1', [`${township.slice(0, 9)}%`])).map((x) => x.code));
      for (let n = 101; n < 999; n++) {
        const code = `${township.slice(0, 9)}${String(n).padStart(3, '0')}`;
        if (!used.has(code)) return code;
      }
      throw new Error('no free code');
    };
    /** A square of ±`half` degrees around a point. */
    const square = ([x, y]: [number, number], half: number): GeoJSON.Polygon => ({
      type: 'Polygon', coordinates: [[[x - half, y - half], [x + half, y - half], [x + half, y + half], [x - half, y + half], [x - half, y - half]]],
    });
    const region = (geometry: GeoJSON.Geometry, properties: Record<string, unknown>) => ({ type: 'Feature', geometry, properties });
    const stored = (code: string) =>
      owner().query<{ name: string; parent_code: string; level: string; kind: string | null; county_code: string; type: string; row_version: number }>(
        'SELECT name, parent_code, level, kind, county_code, ST_GeometryType(geom) AS type, row_version FROM regions WHERE code = $1', [code],
      );

    it('a county admin creates a village under a township, reads, renames, reshapes and deletes it; code is immutable; all audited by code', async () => {
      const code = await freeVillageCode(r.townshipX.code);
      const geometry = square(pointX, 1e-3);
      expect(await count(`SELECT count(*) FROM regions WHERE code = $1 AND ST_Within(ST_GeomFromGeoJSON($2), geom)`, [r.townshipX.code, JSON.stringify(geometry)])).toBe(1);

      const created = await send('POST', '/api/layers/regions/features', t.adminCounty, region(geometry, { code, name: '新建村', kind: 'village' }));
      expect(created.status).toBe(201);
      expect(created.headers.get('etag')).toBe('"1"');
      const path = `/api/layers/regions/features/${code}`;
      expect(created.headers.get('location')).toBe(path);
      const feature = await created.json();
      expect(feature.id).toBe(code);
      expect(feature.properties).toEqual({ code, parent_code: r.townshipX.code, level: 'village', kind: 'village', name: '新建村' });
      expect(await stored(code)).toEqual([{
        name: '新建村', parent_code: r.townshipX.code, level: 'village', kind: 'village', county_code: code.slice(0, 6), type: 'ST_MultiPolygon', row_version: 1,
      }]);

      const read = await get(path, t.adminCounty);
      expect(read.status).toBe(200);
      expect(read.headers.get('etag')).toBe('"1"');
      expect((await read.json()).properties.name).toBe('新建村');

      const renamed = await send('PATCH', path, t.adminCounty, { properties: { name: '新建社区', kind: 'community' } }, { 'if-match': '"1"' });
      expect(renamed.status).toBe(200);
      expect(renamed.headers.get('etag')).toBe('"2"');
      expect((await renamed.json()).properties).toMatchObject({ code, name: '新建社区', kind: 'community', level: 'village' });

      for (const newCode of [await freeVillageCode(r.townshipY.code), code]) {
        const recoded = await send('PATCH', path, t.adminCounty, { properties: { code: newCode } }, { 'if-match': '"2"' });
        expect(recoded.status).toBe(400);
        const error = (await recoded.json()).error;
        expect(error.code).toBe('ValidationFailed');
        expect(error.message).toMatch(/^code: /);
      }
      expect(await count('SELECT count(*) FROM regions WHERE code LIKE $1', [`${r.townshipY.code.slice(0, 9)}1%`])).toBe(0);

      const stale = await send('PATCH', path, t.adminCounty, { properties: { name: '旧名' } }, { 'if-match': '"1"' });
      expect(stale.status).toBe(409);
      expect((await stale.json()).error.code).toBe('StaleWrite');

      // A polygon is stored as a multipolygon.
      const reshaped = await send('PATCH', path, t.adminCounty, { geometry: square(pointX, 5e-4) }, { 'if-match': '"2"' });
      expect(reshaped.status).toBe(200);
      expect(reshaped.headers.get('etag')).toBe('"3"');
      const [after] = await stored(code);
      expect(after).toMatchObject({ name: '新建社区', type: 'ST_MultiPolygon', row_version: 3 });
      const area = await one<{ a: number }>('SELECT ST_Area(geom) AS a FROM regions WHERE code = $1', [code]);
      expect(area.a).toBeCloseTo(1e-6, 12);

      expect((await send('DELETE', path, t.adminCounty, undefined, { 'if-match': '"2"' })).status).toBe(409);
      expect((await send('DELETE', path, t.adminCounty, undefined, { 'if-match': '"3"' })).status).toBe(204);
      expect((await get(path, t.adminCounty)).status).toBe(404);
      expect(await stored(code)).toEqual([]);

      const audit = await auditOf('regions', code);
      expect(audit.map((a) => a.action)).toEqual(['insert', 'update', 'update', 'delete']);
      expect(audit.every((a) => a.region_code === code)).toBe(true);
      expect(audit[1]!.before).toMatchObject({ name: '新建村', row_version: 1 });
      expect(audit[1]!.after).toMatchObject({ name: '新建社区', row_version: 2 });
    });

    it('a planner has no regions.write: 403 on create, change and delete', async () => {
      const code = await freeVillageCode(r.townshipX.code);
      const created = await send('POST', '/api/layers/regions/features', t.plannerX, region(square(pointX, 1e-3), { code, name: '规划村' }));
      expect(created.status).toBe(403);
      expect((await created.json()).error.code).toBe('Forbidden');
      const path = `/api/layers/regions/features/${r.villageX.code}`;
      expect((await send('PATCH', path, t.plannerX, { properties: { name: '改名' } }, { 'if-match': '"1"' })).status).toBe(403);
      expect((await send('DELETE', path, t.plannerX, undefined, { 'if-match': '"1"' })).status).toBe(403);
      expect(await stored(code)).toEqual([]);
      expect((await stored(r.villageX.code))[0]!.name).toBe(r.villageX.name);
    });

    it('a village-scoped admin writes only in its own subtree', async () => {
      // Another township, drawn there: its code is outside the admin's region.
      const elsewhere = await freeVillageCode(r.townshipY.code);
      const there = await send('POST', '/api/layers/regions/features', t.adminX, region(square(pointY, 1e-3), { code: elsewhere, name: '越界村' }));
      expect(there.status).toBe(403);
      expect((await there.json()).error.code).toBe('OutOfScope');
      // Another township's code, drawn inside the admin's village: refused all the same.
      const coded = await send('POST', '/api/layers/regions/features', t.adminX, region(square(pointX, 1e-3), { code: elsewhere, name: '越界村' }));
      expect(coded.status).toBe(403);
      expect((await coded.json()).error.code).toBe('OutOfScope');
      expect(await stored(elsewhere)).toEqual([]);

      // Its township is readable (breadcrumbs) but not writable: not found for a change.
      const township = `/api/layers/regions/features/${r.townshipX.code}`;
      expect((await get(township, t.adminX)).status).toBe(200);
      expect((await send('PATCH', township, t.adminX, { properties: { name: '改名' } }, { 'if-match': '"1"' })).status).toBe(404);
      expect((await stored(r.townshipX.code))[0]!.name).toBe(r.townshipX.name);

      // A natural village inside its own village is in its subtree.
      const used = new Set((await owner().query<{ code: string }>('SELECT code FROM regions WHERE parent_code = $1', [r.villageX.code])).map((x) => x.code));
      const natural = [...Array(900).keys()].map((n) => `${r.villageX.code}${String(n + 100)}`).find((c) => !used.has(c))!;
      const made = await send('POST', '/api/layers/regions/features', t.adminX, region(square(pointX, 2e-4), { code: natural, name: '自然村' }));
      expect(made.status).toBe(201);
      expect((await made.json()).properties).toMatchObject({ code: natural, parent_code: r.villageX.code, level: 'natural_village' });
      expect((await send('DELETE', `/api/layers/regions/features/${natural}`, t.adminX, undefined, { 'if-match': '"1"' })).status).toBe(204);
      expect((await auditOf('regions', natural)).map((a) => a.action)).toEqual(['insert', 'delete']);
    });

    it('deleting a region still in use is 409 Conflict and deletes nothing', async () => {
      const grids = await count('SELECT count(*) FROM grids WHERE village_code = $1', [r.villageX.code]);
      expect(grids).toBeGreaterThan(0);
      const path = `/api/layers/regions/features/${r.villageX.code}`;
      const read = await get(path, t.adminCounty);
      const etag = read.headers.get('etag')!;
      const res = await send('DELETE', path, t.adminCounty, undefined, { 'if-match': etag });
      expect(res.status).toBe(409);
      expect((await res.json()).error.code).toBe('Conflict');
      expect(await stored(r.villageX.code)).toHaveLength(1);
      expect(await count('SELECT count(*) FROM grids WHERE village_code = $1', [r.villageX.code])).toBe(grids);
      expect((await auditOf('regions', r.villageX.code)).filter((a) => a.action === 'delete')).toEqual([]);
      // A township with villages, too.
      const township = `/api/layers/regions/features/${r.townshipX.code}`;
      const townshipEtag = (await get(township, t.adminCounty)).headers.get('etag')!;
      expect((await send('DELETE', township, t.adminCounty, undefined, { 'if-match': townshipEtag })).status).toBe(409);
      expect(await stored(r.townshipX.code)).toHaveLength(1);
    });

    it('a region whose parent does not exist → 400, nothing written', async () => {
      const township = await one<{ code: string }>(
        `SELECT left(min(code), 6) || lpad((max(substr(code, 7, 3)::int) + 1)::text, 3, '0') || '000' AS code FROM regions WHERE level = 'township'`,
      );
      const orphan = `${township.code.slice(0, 9)}001`;
      expect(await stored(township.code)).toEqual([]);
      const res = await send('POST', '/api/layers/regions/features', t.adminCounty, region(square(pointX, 1e-3), { code: orphan, name: '无主村' }));
      expect(res.status).toBe(400);
      const error = (await res.json()).error;
      expect(error.code).toBe('ValidationFailed');
      expect(error.message).toContain(`parent region ${township.code} does not exist`);
      expect(await stored(orphan)).toEqual([]);
      expect(await auditOf('regions', orphan)).toEqual([]);
    });
  });

  it('incidents: an admin deletes one with If-Match (its steps go with it, audited); others 403, stale 409, other region 404, bad id 400', async () => {
    const incident = await one<{ id: number; row_version: number }>(
      'SELECT id::int, row_version FROM incidents WHERE village_code = $1 ORDER BY id DESC LIMIT 1', [r.villageX.code],
    );
    const other = await one<{ id: number; row_version: number }>('SELECT id::int, row_version FROM incidents WHERE village_code = $1 LIMIT 1', [r.villageY.code]);
    const path = `/api/incidents/${incident.id}`;
    const ifMatch = (v: number) => ({ 'if-match': `"${v}"` });
    expect((await send('DELETE', path, t.plannerX, undefined, ifMatch(incident.row_version))).status).toBe(403);
    expect((await send('DELETE', path, t.adminX)).status).toBe(428);
    expect((await send('DELETE', path, t.adminX, undefined, ifMatch(incident.row_version + 1))).status).toBe(409);
    expect((await send('DELETE', `/api/incidents/${other.id}`, t.adminX, undefined, ifMatch(other.row_version))).status).toBe(404);
    expect((await send('DELETE', '/api/incidents/1%3BDROP%20TABLE%20incidents', t.adminX, undefined, ifMatch(1))).status).toBe(400);
    expect(Number((await one<{ n: number }>('SELECT count(*)::int AS n FROM incident_flow_steps WHERE incident_id = $1', [incident.id])).n)).toBeGreaterThan(0);
    expect((await send('DELETE', path, t.adminX, undefined, ifMatch(incident.row_version))).status).toBe(204);
    expect(await owner().query('SELECT 1 FROM incidents WHERE id = $1', [incident.id])).toEqual([]);
    expect(await owner().query('SELECT 1 FROM incident_flow_steps WHERE incident_id = $1', [incident.id])).toEqual([]);
    expect((await auditOf('incidents', incident.id)).map((a: { action: string }) => a.action)).toContain('delete');
    expect(await owner().query('SELECT 1 FROM incidents WHERE id = $1', [other.id])).toHaveLength(1);
  });
});
