import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';

/** The demo county as stored: structure and topology checked by PostGIS itself. */
describeEachDatabase('demo county invariants', ({ owner: db }) => {
  it('has the sizes the issue asks for', async () => {
    const [c] = await db().query<Record<string, number>>(`SELECT
      (SELECT count(*) FROM regions WHERE level = 'county')::int AS counties,
      (SELECT count(*) FROM regions WHERE level = 'township')::int AS townships,
      (SELECT count(*) FROM regions WHERE level = 'village')::int AS villages,
      (SELECT count(*) FROM regions WHERE level = 'natural_village')::int AS natural_villages,
      (SELECT count(*) FROM current_grids)::int AS grids,
      (SELECT count(DISTINCT grid_class) FROM current_grids)::int AS grid_classes,
      (SELECT count(*) FROM address_points)::int AS address_points,
      (SELECT count(*) FROM cameras)::int AS cameras,
      (SELECT count(*) FROM key_places)::int AS key_places,
      (SELECT count(*) FROM incidents)::int AS incidents,
      (SELECT count(*) FROM mediations)::int AS mediations,
      (SELECT count(DISTINCT started_at::date) FROM patrol_tracks)::int AS patrol_days,
      (SELECT count(*) FROM three_nos_assessments)::int AS three_nos`);
    expect(c!.counties).toBe(1);
    expect(c!.townships).toBeGreaterThanOrEqual(8);
    expect(c!.villages).toBeGreaterThanOrEqual(60);
    expect(c!.natural_villages).toBeGreaterThan(0);
    expect(c!.grids).toBeGreaterThanOrEqual(400);
    expect(c!.grid_classes).toBe(3);
    expect(c!.address_points).toBeGreaterThanOrEqual(20000);
    expect(c!.cameras).toBeGreaterThanOrEqual(1500);
    expect(c!.key_places).toBeGreaterThanOrEqual(300);
    expect(c!.incidents).toBeGreaterThanOrEqual(30000);
    expect(c!.mediations).toBeGreaterThanOrEqual(5000);
    expect(c!.patrol_days).toBeGreaterThanOrEqual(30);
    expect(c!.three_nos).toBeGreaterThanOrEqual(c!.villages!);
  });

  it('grids tile their village: no overlaps', async () => {
    const rows = await db().query<{ a: string; b: string; area: number }>(`
      SELECT g.code AS a, h.code AS b, ST_Area(ST_Intersection(g.geom, h.geom)::geography) AS area
      FROM current_grids g JOIN current_grids h
        ON g.village_code = h.village_code AND g.code < h.code AND g.geom && h.geom
      WHERE ST_Area(ST_Intersection(g.geom, h.geom)::geography) > 0.5`);
    expect(rows).toEqual([]);
  });

  it('grids tile their village: no gaps (and nothing outside the village)', async () => {
    const rows = await db().query<{ village_code: string; diff_m2: number; village_m2: number }>(`
      SELECT v.code AS village_code,
             ST_Area(ST_SymDifference(v.geom, u.geom)::geography) AS diff_m2,
             ST_Area(v.geom::geography) AS village_m2
      FROM regions v
      JOIN (SELECT village_code, ST_Union(geom) AS geom FROM current_grids GROUP BY village_code) u
        ON u.village_code = v.code
      WHERE v.level = 'village'`);
    const [{ n: villages }] = (await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM regions WHERE level = 'village'`)) as [{ n: number }];
    expect(rows.length).toBe(villages);
    const bad = rows.filter((r) => r.diff_m2 > 1); // less than 1 m² of slack per village
    expect(bad).toEqual([]);
  });

  it('townships tile the county and villages tile their township', async () => {
    const rows = await db().query<{ code: string; diff_m2: number }>(`
      SELECT p.code, ST_Area(ST_SymDifference(p.geom, ST_Union(c.geom))::geography) AS diff_m2
      FROM regions p JOIN regions c ON c.parent_code = p.code AND c.level <> 'natural_village'
      WHERE p.level IN ('county', 'township')
      GROUP BY p.code, p.geom`);
    expect(rows.length).toBeGreaterThan(8);
    expect(rows.filter((r) => r.diff_m2 > 1)).toEqual([]);
  });

  it('every point lies in the grid and village it is tied to', async () => {
    for (const table of ['address_points', 'cameras', 'incidents']) {
      const [r] = await db().query<{ total: number; outside_grid: number; outside_village: number; wrong_village: number }>(`
        SELECT count(*)::int AS total,
               count(*) FILTER (WHERE NOT ST_Covers(g.geom, t.geom))::int AS outside_grid,
               count(*) FILTER (WHERE NOT ST_Covers(v.geom, t.geom))::int AS outside_village,
               count(*) FILTER (WHERE g.village_code <> t.village_code)::int AS wrong_village
        FROM ${table} t
        JOIN current_grids g ON g.code = t.grid_code
        JOIN regions v ON v.code = t.village_code`);
      const [{ n }] = (await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)) as [{ n: number }];
      expect({ table, joined: r!.total }).toEqual({ table, joined: n });
      expect({ table, ...r }).toEqual({ table, total: n, outside_grid: 0, outside_village: 0, wrong_village: 0 });
    }
  });

  it('grid household counts are the sums of their address points; urban grids hold 300–500 households mostly', async () => {
    const rows = await db().query<{ code: string; grid_class: string; households: number; summed: number }>(`
      SELECT g.code, g.grid_class, g.households, coalesce(sum(a.households), 0)::int AS summed
      FROM current_grids g LEFT JOIN address_points a ON a.grid_code = g.code
      GROUP BY g.code, g.grid_class, g.households`);
    expect(rows.filter((r) => r.households !== r.summed)).toEqual([]);
    const urban = rows.filter((r) => r.grid_class === 'A');
    const inRange = urban.filter((r) => r.households >= 300 && r.households <= 500);
    expect(urban.length).toBeGreaterThan(50);
    expect(inRange.length / urban.length).toBeGreaterThan(0.7);
  });

  it('class C grids contain their key place', async () => {
    const [r] = await db().query<{ c: number; ok: number }>(`
      SELECT count(*)::int AS c, count(*) FILTER (WHERE ST_Covers(g.geom, ST_PointOnSurface(k.geom)))::int AS ok
      FROM current_grids g JOIN key_places k ON k.id = g.key_place_id WHERE g.grid_class = 'C'`);
    expect(r!.c).toBeGreaterThan(0);
    expect(r!.ok).toBe(r!.c);
  });

  it('incidents have ordered flow steps and the last step matches the incident', async () => {
    const [r] = await db().query<{ without_steps: number; unordered: number; mismatched: number }>(`
      WITH s AS (
        SELECT incident_id, seq, at, status_after, flow_level,
               lag(at) OVER (PARTITION BY incident_id ORDER BY seq) AS prev_at,
               row_number() OVER (PARTITION BY incident_id ORDER BY seq DESC) AS from_last
        FROM incident_flow_steps)
      SELECT
        (SELECT count(*) FROM incidents i WHERE NOT EXISTS (SELECT 1 FROM incident_flow_steps f WHERE f.incident_id = i.id))::int AS without_steps,
        (SELECT count(*) FROM s WHERE prev_at > at)::int AS unordered,
        (SELECT count(*) FROM s JOIN incidents i ON i.id = s.incident_id
          WHERE s.from_last = 1 AND (s.status_after <> i.status OR s.flow_level <> i.flow_level))::int AS mismatched`);
    expect(r).toEqual({ without_steps: 0, unordered: 0, mismatched: 0 });
  });

  it('incidents follow a daily rhythm: more by day than at night', async () => {
    const [r] = await db().query<{ day: number; night: number }>(`
      SELECT count(*) FILTER (WHERE extract(hour FROM occurred_at AT TIME ZONE 'Asia/Shanghai') BETWEEN 9 AND 20)::int AS day,
             count(*) FILTER (WHERE extract(hour FROM occurred_at AT TIME ZONE 'Asia/Shanghai') BETWEEN 0 AND 5)::int AS night
      FROM incidents`);
    expect(r!.day).toBeGreaterThan(r!.night * 3);
  });

  it('stores no personal fields (privacy boundary)', async () => {
    const rows = await db().query<{ table_name: string; column_name: string }>(`
      SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name ~* '(id_card|idcard|phone|mobile|face|resident_name|person_name)'`);
    expect(rows).toEqual([]);
  });
});
