import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { createLogger } from '../../api/logger.js';
import { bearer, pickTestRegions, tokenFor, type TestRegions } from '../support/accounts.js';
import { describeEachDatabase } from '../support/databases.js';
import { incidentExportUrl, type IncidentExportSelection } from '../../web/src/lib/analyst/export-url.js';

const quiet = createLogger('error', () => undefined);

/**
 * `incident-rhythm` (incidents by local hour of day × ISO weekday) against both databases. The
 * fixture is a handful of incidents in May 2030, years after the demo's own data, so the week
 * Monday 6 – Sunday 12 May 2030 holds exactly them and every expected count is worked out by hand
 * from the local wall-clock times written below (never from the code under test).
 */
describeEachDatabase('incident rhythm', ({ db, owner }) => {
  let appInstance: ReturnType<typeof createApp> | null = null;
  const app = () => (appInstance ??= createApp({ db: db(), log: quiet, webDist: null }));
  let r: TestRegions;
  const t = { analystCounty: '', analystX: '', display: '' };
  const week = 'from=2030-05-06&to=2030-05-12'; // Monday to Sunday

  const get = (path: string, token: string) => app().request(path, { headers: bearer(token) });
  const result = async <T = any>(path: string, token: string): Promise<T> => {
    const res = await get(path, token);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { result: T }).result;
  };
  /** 24 zeros with the given hours set. */
  const hours = (set: Record<number, number> = {}) => Array.from({ length: 24 }, (_, h) => set[h] ?? 0);

  beforeAll(async () => {
    r = await pickTestRegions(owner());
    t.analystCounty = (await tokenFor(owner(), 'analyst', r.county.code)).token;
    t.analystX = (await tokenFor(owner(), 'analyst', r.villageX.code)).token;
    t.display = (await tokenFor(owner(), 'display', r.county.code)).token;
    const point = async (village: string) => (await owner().query<{ x: number; y: number }>(
      'SELECT ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM regions WHERE code = $1', [village],
    ))[0]!;
    const px = await point(r.villageX.code);
    const py = await point(r.villageY.code);
    // [village, local wall-clock time (UTC+8), category, status]
    const rows: [string, { x: number; y: number }, string, string, string][] = [
      [r.villageX.code, px, '2030-05-06T09:15:00', 'dispute', 'reported'], // Mon 09
      [r.villageX.code, px, '2030-05-06T09:45:00', 'dispute', 'accepted'], // Mon 09
      // Tue 00:30 local is Mon 16:30 UTC: it counts on Tuesday, hour 0, not on Monday, hour 16.
      [r.villageX.code, px, '2030-05-07T00:30:00', 'public_order', 'reported'],
      [r.villageX.code, px, '2030-05-08T14:00:00', 'traffic', 'resolved'], // Wed 14
      [r.villageX.code, px, '2030-05-12T23:59:00', 'public_order', 'reported'], // Sun 23
      // Outside the local window: Mon 13 May 00:10 local, though its UTC date (12 May) is inside it …
      [r.villageX.code, px, '2030-05-13T00:10:00', 'dispute', 'reported'],
      // … and Sun 5 May 23:50 local, ten minutes before the window opens.
      [r.villageX.code, px, '2030-05-05T23:50:00', 'dispute', 'reported'],
      // Another township's village: only the county sees it. Wed 14.
      [r.villageY.code, py, '2030-05-08T14:30:00', 'dispute', 'reported'],
    ];
    for (const [village, p, at, category, status] of rows) {
      await owner().query(
        `INSERT INTO incidents (county_code, village_code, category, level, source, occurred_at, reported_at, flow_level, status, geom)
         VALUES (left($1, 6), $1, $2, 'general', 'grid_worker', $3::timestamptz, $3::timestamptz, 'grid', $4, ST_SetSRID(ST_MakePoint($5, $6), 4326))`,
        [village, category, `${at}+08:00`, status, p.x, p.y],
      );
    }
  });

  it('counts by local hour × ISO weekday, a time just after local midnight on its local day', async () => {
    const res = await result(`/api/analytics/incident-rhythm?region=${r.villageX.code}&${week}`, t.analystX);
    expect(res.region).toBe(r.villageX.code);
    expect(res.from).toBe('2030-05-06');
    expect(res.to).toBe('2030-05-12');
    expect(res.total).toBe(5);
    expect(res.cells).toEqual([
      hours({ 9: 2 }), // Monday (not hour 16: the 00:30 Tuesday incident)
      hours({ 0: 1 }), // Tuesday
      hours({ 14: 1 }), // Wednesday
      hours(), hours(), hours(),
      hours({ 23: 1 }), // Sunday
    ]);
    expect(res.byHour).toEqual(hours({ 0: 1, 9: 2, 14: 1, 23: 1 }));
    expect(res.byWeekday).toEqual([2, 1, 1, 0, 0, 0, 1]);
  });

  it('covers the region asked for: the county adds the other township', async () => {
    const res = await result(`/api/analytics/incident-rhythm?${week}`, t.analystCounty);
    expect(res.region).toBe(r.county.code.slice(0, 6));
    expect(res.total).toBe(6);
    expect(res.cells[2]).toEqual(hours({ 14: 2 }));
    expect(res.byWeekday).toEqual([2, 1, 2, 0, 0, 0, 1]);
    const township = await result(`/api/analytics/incident-rhythm?region=${r.townshipX.code.slice(0, 9)}&${week}`, t.analystCounty);
    expect(township.total).toBe(5);
  });

  it('follows the incident filters and the hour band (which may wrap past midnight)', async () => {
    const disputes = await result(`/api/analytics/incident-rhythm?region=${r.villageX.code}&${week}&category=dispute`, t.analystX);
    expect(disputes.total).toBe(2);
    expect(disputes.cells[0]).toEqual(hours({ 9: 2 }));
    const resolved = await result(`/api/analytics/incident-rhythm?region=${r.villageX.code}&${week}&status=resolved`, t.analystX);
    expect(resolved.total).toBe(1);
    expect(resolved.byWeekday).toEqual([0, 0, 1, 0, 0, 0, 0]);
    const night = await result(`/api/analytics/incident-rhythm?region=${r.villageX.code}&${week}&hours=22-6`, t.analystX);
    expect(night.total).toBe(2);
    expect(night.byHour).toEqual(hours({ 0: 1, 23: 1 }));
    expect(night.cells[0]).toEqual(hours());
    // One day only: the Tuesday (local) holds the 00:30 incident, Monday (local) the two at 09.
    const tuesday = await result(`/api/analytics/incident-rhythm?region=${r.villageX.code}&from=2030-05-07&to=2030-05-07`, t.analystX);
    expect(tuesday.total).toBe(1);
    expect(tuesday.cells[1]![0]).toBe(1);
  });

  it('exports 168 rows weekday,hour,count as CSV for those who may export, not for a wall', async () => {
    const res = await get(`/api/analytics/incident-rhythm?region=${r.villageX.code}&${week}&format=csv`, t.analystX);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[0]).toBe('weekday,hour,count');
    expect(lines).toHaveLength(1 + 7 * 24);
    expect(lines[1]).toBe('1,0,0');
    expect(lines[1 + 9]).toBe('1,9,2');
    expect(lines[1 + 24]).toBe('2,0,1');
    expect(lines[1 + 2 * 24 + 14]).toBe('3,14,1');
    expect(lines[168]).toBe('7,23,1');
    const sum = lines.slice(1).reduce((s, l) => s + Number(l.split(',')[2]), 0);
    expect(sum).toBe(5);
    expect((await get(`/api/analytics/incident-rhythm?${week}&format=csv`, t.display)).status).toBe(403);
  });

  it("the analyst panel's export link selects the incidents the rhythm counts", async () => {
    const selection: IncidentExportSelection = {
      region: r.villageX.code, from: '2030-05-06', to: '2030-05-12', categories: [], levels: [], statuses: [], sources: [],
    };
    const rowsOf = async (url: string) => {
      const res = await get(url, t.analystX);
      if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
      return (await res.text()).replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1);
    };
    // Same window edges as the rhythm: 00:10 on the 13th and 23:50 on the 5th (local) are outside.
    expect(await rowsOf(incidentExportUrl('csv', selection))).toHaveLength(5);
    expect(await rowsOf(incidentExportUrl('csv', { ...selection, categories: ['dispute'], statuses: ['reported', 'accepted'] }))).toHaveLength(2);
    expect(await rowsOf(incidentExportUrl('csv', { ...selection, region: r.townshipX.code.slice(0, 9), from: '2030-05-07', to: '2030-05-07' }))).toHaveLength(1);
    const geojson = await get(incidentExportUrl('geojson', { ...selection, region: null }), t.analystCounty);
    expect(geojson.status).toBe(200);
    expect(((await geojson.json()) as { features: unknown[] }).features).toHaveLength(6);
  });

  it('is an aggregate: walls read it, a region outside the scope is 403, unknown parameters 400', async () => {
    const wall = await result(`/api/analytics/incident-rhythm?${week}`, t.display);
    expect(wall.total).toBe(6);
    expect((await get(`/api/analytics/incident-rhythm?region=${r.villageY.code}&${week}`, t.analystX)).status).toBe(403);
    expect((await get(`/api/analytics/incident-rhythm?region=${r.villageX.code}&${week}&res=9`, t.analystX)).status).toBe(400);
    expect((await get(`/api/analytics/incident-rhythm?region=${r.villageX.code}&${week}&format=geojson`, t.analystX)).status).toBe(400);
  });
});
