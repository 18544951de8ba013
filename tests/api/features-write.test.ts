import { beforeAll, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { createLogger } from '../../api/logger.js';
import { bearer, pickTestRegions, tokenFor, type TestRegions } from '../support/accounts.js';
import { describeEachDatabase } from '../support/databases.js';

const quiet = createLogger('error', () => undefined);

describeEachDatabase('feature writes (cameras, key places)', ({ db, owner }) => {
  const app = () => createApp({ db: db(), log: quiet, webDist: null });
  let r: TestRegions;
  const t = { adminCounty: '', plannerX: '', analystX: '', display: '', operatorX: '' };
  let pointX: [number, number] = [0, 0];
  let pointY: [number, number] = [0, 0];
  const send = (method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) =>
    app().request(path, {
      method, headers: { ...bearer(token), 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const camera = (coordinates: unknown, extra: Record<string, unknown> = {}) => ({
    type: 'Feature', geometry: { type: 'Point', coordinates },
    properties: { code: `T-${Math.random().toString(36).slice(2, 10)}`, kind: 'dome', heading_deg: 90, fov_deg: 60, range_m: 80, owner: '县公安局', ...extra },
  });

  beforeAll(async () => {
    r = await pickTestRegions(owner());
    t.adminCounty = (await tokenFor(owner(), 'admin', r.county.code)).token;
    t.plannerX = (await tokenFor(owner(), 'planner', r.villageX.code)).token;
    t.analystX = (await tokenFor(owner(), 'analyst', r.villageX.code)).token;
    t.display = (await tokenFor(owner(), 'display', r.county.code)).token;
    t.operatorX = (await tokenFor(owner(), 'operator', r.villageX.code)).token;
    const at = async (village: string) => {
      const [p] = await owner().query<{ x: number; y: number }>('SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM incidents WHERE village_code = $1 ORDER BY id LIMIT 1', [village]);
      return [p!.x, p!.y] as [number, number];
    };
    pointX = await at(r.villageX.code);
    pointY = await at(r.villageY.code);
  });

  it('create → read → update with If-Match → stale update 409 → delete, each in the audit log', async () => {
    const created = await send('POST', '/api/layers/cameras/features', t.plannerX, camera(pointX));
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    const feature = await created.json();
    expect(feature.properties.village_code).toBe(r.villageX.code); // found from the point, not sent
    expect(created.headers.get('location')).toBe(`/api/layers/cameras/features/${feature.id}`);
    const path = `/api/layers/cameras/features/${feature.id}`;
    expect((await app().request(path, { headers: bearer(t.analystX) })).headers.get('etag')).toBe('"1"');

    const changed = await send('PATCH', path, t.plannerX, { properties: { status: 'fault', heading_deg: 180 } }, { 'if-match': '"1"' });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe('"2"');
    expect((await changed.json()).properties).toMatchObject({ status: 'fault', heading_deg: 180 });

    const stale = await send('PATCH', path, t.plannerX, { properties: { status: 'online' } }, { 'if-match': '"1"' });
    expect(stale.status).toBe(409);
    expect((await stale.json()).error.code).toBe('StaleWrite');
    const [row] = await owner().query<{ status: string }>('SELECT status FROM cameras WHERE id = $1', [feature.id]);
    expect(row!.status).toBe('fault');
    expect((await send('PATCH', path, t.plannerX, { properties: { status: 'online' } })).status).toBe(428);
    expect((await send('DELETE', path, t.plannerX, undefined, { 'if-match': '"1"' })).status).toBe(409);
    expect((await send('DELETE', path, t.plannerX, undefined, { 'if-match': '"2"' })).status).toBe(204);
    expect((await app().request(path, { headers: bearer(t.analystX) })).status).toBe(404);
    const audit = await owner().query<{ action: string }>(`SELECT action FROM audit_log WHERE table_name = 'cameras' AND row_id = $1 ORDER BY id`, [String(feature.id)]);
    expect(audit.map((a) => a.action)).toEqual(['insert', 'update', 'delete']);
  });

  it('moving a feature into another region is refused, and roles without places.write get 403', async () => {
    const created = await (await send('POST', '/api/layers/cameras/features', t.plannerX, camera(pointX))).json();
    const path = `/api/layers/cameras/features/${created.id}`;
    const moved = await send('PATCH', path, t.plannerX, { geometry: { type: 'Point', coordinates: pointY } }, { 'if-match': '"1"' });
    expect(moved.status).toBe(403);
    expect((await moved.json()).error.code).toBe('OutOfScope');
    for (const token of [t.analystX, t.display, t.operatorX]) {
      expect((await send('POST', '/api/layers/cameras/features', token, camera(pointX))).status).toBe(403);
    }
    expect((await send('POST', '/api/layers/incidents/features', t.adminCounty, camera(pointX))).status).toBe(403);
    // The county admin may move it anywhere in the county; its codes follow the point.
    const anywhere = await send('PATCH', path, t.adminCounty, { geometry: { type: 'Point', coordinates: pointY } }, { 'if-match': '"1"' });
    expect(anywhere.status).toBe(200);
    expect((await anywhere.json()).properties.village_code).toBe(r.villageY.code);
  });

  const polygon = (ring: number[][]) => ({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties: { name: '测试场所', place_type: 'market' } });
  it.each([
    ['self-intersecting ring', () => polygon([[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]].map(([x, y]) => [pointX[0] + x! * 1e-3, pointX[1] + y! * 1e-3])), /crosses itself/],
    ['unclosed ring', () => polygon([[0, 0], [1, 0], [1, 1], [0, 1]].map(([x, y]) => [pointX[0] + x! * 1e-3, pointX[1] + y! * 1e-3])), /not closed/],
    ['too few points', () => polygon([[pointX[0], pointX[1]], [pointX[0] + 1e-3, pointX[1]], [pointX[0], pointX[1]]]), /ring/],
    ['empty geometry', () => ({ ...polygon([]), geometry: { type: 'Polygon', coordinates: [] } }), /empty|no rings/i],
    ['not a number', () => ({ ...polygon([]), geometry: { type: 'Point', coordinates: [null, 30] } }), /number/],
    ['longitude out of range', () => ({ ...polygon([]), geometry: { type: 'Point', coordinates: [200, 30] } }), /longitude/],
    ['nested collections', () => ({ ...polygon([]), geometry: JSON.parse('{"type":"GeometryCollection","geometries":['.repeat(50) + ']}'.repeat(50)) }), /GeometryCollection|deep|not allowed/],
    ['a type the layer does not take', () => ({ ...polygon([]), geometry: { type: 'LineString', coordinates: [pointX, [pointX[0] + 1e-3, pointX[1]]] } }), /LineString/],
  ])('%s → 400 naming what and where, nothing written', async (_what, body, message) => {
    const before = (await owner().query<{ n: number }>('SELECT count(*)::int AS n FROM key_places'))[0]!.n;
    const res = await send('POST', '/api/layers/key_places/features', t.adminCounty, body());
    expect(res.status).toBe(400);
    const error = (await res.json()).error;
    expect(error.code).toBe('ValidationFailed');
    expect(error.message).toMatch(message);
    expect((await owner().query<{ n: number }>('SELECT count(*)::int AS n FROM key_places'))[0]!.n).toBe(before);
  });

  it('properties are validated strictly and free text is guarded', async () => {
    const unknown = await send('POST', '/api/layers/cameras/features', t.adminCounty, camera(pointX, { resident_name: '张三' }));
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error.message).toMatch(/resident_name/);
    const badRange = await send('POST', '/api/layers/cameras/features', t.adminCounty, camera(pointX, { range_m: 99999 }));
    expect((await badRange.json()).error.message).toMatch(/range_m/);
    const phone = await send('POST', '/api/layers/cameras/features', t.adminCounty, camera(pointX, { owner: '联系人 139 1234 5678' }));
    expect(phone.status).toBe(400);
    expect((await phone.json()).error.code).toBe('PersonalData');
    const place = await send('POST', '/api/layers/key_places/features', t.adminCounty, {
      type: 'Feature', geometry: { type: 'Point', coordinates: pointX }, properties: { name: '农贸市场', place_type: 'market', risk_level: 'high' },
    });
    expect(place.status).toBe(201);
    expect((await place.json()).properties).toMatchObject({ name: '农贸市场', village_code: r.villageX.code });
  });
});
