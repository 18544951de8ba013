import { beforeAll, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { loadConfig } from '../../api/config.js';
import { openDatabase } from '../../api/db/open.js';
import { assertSafeRoles, withScope, type RequestScope } from '../../api/db/scope.js';
import { createLogger } from '../../api/logger.js';
import { LAYERS, LAYER_IDS } from '../../geo/layers.js';
import { findPersonalNumbers } from '../../geo/privacy-guard.js';
import { neutraliseCell } from '../../api/exports/export.js';
import { ORDINARY_TEXT, PERSONAL_TEXT } from '../fixtures/privacy-corpus.js';
import { accountFor, bearer, json, pickTestRegions, signIn, tokenFor, type TestRegions } from '../support/accounts.js';
import { describeEachDatabase } from '../support/databases.js';
import { decodeTile, tileOf } from '../support/tiles.js';

/**
 * Issue 3's "must show", on both engines: region scope in row-level security, roles per route,
 * tokens and sessions, the audit log, the privacy guard and the hardening of the HTTP surface.
 */
describeEachDatabase('region scope, roles and audit', ({ db, owner, test, engine }) => {
  const logLines: string[] = [];
  const log = createLogger('info', (line) => logLines.push(line));
  const app = () => createApp({ db: db(), log, webDist: null });
  let r: TestRegions;
  const t = { opX: '', opY: '', analystX: '', analystCounty: '', adminCounty: '', adminTownX: '', plannerX: '', display: '' };
  const ids = { incidentX: 0, incidentY: 0 };

  /** Ground truth from the owner (no RLS). */
  const ownerCount = async (sql: string, params: unknown[] = []) =>
    ((await owner().query<{ n: number }>(sql, params))[0]!.n);
  const call = (path: string, token: string, init: RequestInit = {}) =>
    app().request(path, { ...init, headers: { ...bearer(token), ...(init.headers as object) } });
  /** A request scope for a village (its 12 digits) or, given the county code, the county (6). */
  const scopeOf = (code: string, dbRole: RequestScope['dbRole'] = 'atlas_app'): RequestScope => ({
    dbRole, scope: code === r.county.code ? code.slice(0, 6) : code, staffId: null, actor: 'test', requestId: 'test',
  });

  beforeAll(async () => {
    r = await pickTestRegions(owner());
    t.opX = (await tokenFor(owner(), 'operator', r.villageX.code)).token;
    t.opY = (await tokenFor(owner(), 'operator', r.villageY.code)).token;
    t.analystX = (await tokenFor(owner(), 'analyst', r.villageX.code)).token;
    t.analystCounty = (await tokenFor(owner(), 'analyst', r.county.code)).token;
    t.adminCounty = (await tokenFor(owner(), 'admin', r.county.code)).token;
    t.adminTownX = (await tokenFor(owner(), 'admin', r.townshipX.code)).token;
    t.plannerX = (await tokenFor(owner(), 'planner', r.villageX.code)).token;
    t.display = (await tokenFor(owner(), 'display', r.county.code)).token;
    const [y] = await owner().query<{ id: number }>('SELECT id FROM incidents WHERE village_code = $1 ORDER BY id LIMIT 1', [r.villageY.code]);
    const [x] = await owner().query<{ id: number }>('SELECT id FROM incidents WHERE village_code = $1 ORDER BY id LIMIT 1', [r.villageX.code]);
    ids.incidentY = y!.id;
    ids.incidentX = x!.id;
  });

  it('scope prefixes come from the region level (county 6, township 9, village 12 digits)', async () => {
    const rows = await owner().query<{ p: string }>('SELECT atlas_region_scope($1) AS p UNION ALL SELECT atlas_region_scope($2) UNION ALL SELECT atlas_region_scope($3)', [r.county.code, r.townshipX.code, r.villageX.code]);
    expect(rows.map((row) => row.p)).toEqual([r.county.code.slice(0, 6), r.townshipX.code.slice(0, 9), r.villageX.code]);
    expect(scopeOf(r.villageX.code).scope).toBe(r.villageX.code);
  });

  it('every table that holds a place has row-level security, and every view of ours is security_invoker', async () => {
    const unprotected = await owner().query<{ table: string }>(
      `SELECT c.relname AS table FROM pg_class c
       WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND NOT c.relrowsecurity
         AND EXISTS (SELECT 1 FROM information_schema.columns k WHERE k.table_schema = 'public' AND k.table_name = c.relname
                     AND k.column_name IN ('village_code', 'region_code', 'geom', 'incident_id', 'staff_id'))`,
    );
    expect(unprotected).toEqual([]);
    const definerViews = await owner().query<{ view: string }>(
      `SELECT c.relname AS view FROM pg_class c
       WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm')
         AND c.relname NOT IN ('geometry_columns', 'geography_columns') -- PostGIS's own catalogue views
         AND NOT coalesce(c.reloptions @> ARRAY['security_invoker=true'], false)`,
    );
    expect(definerViews).toEqual([]);
  });

  it('the demo accounts: one per role, random passwords printed once, each signs in to its region', async () => {
    const { createDemoAccounts, formatDemoCredentials } = await import('../../api/accounts/demo-accounts.js');
    const credentials = await createDemoAccounts(owner());
    expect(credentials.map((c) => c.role).sort()).toEqual(['admin', 'analyst', 'display', 'operator', 'planner']);
    expect(new Set(credentials.map((c) => c.password)).size).toBe(5);
    const banner = formatDemoCredentials(credentials, 'http://127.0.0.1:8080/');
    for (const c of credentials) {
      expect(banner).toContain(c.password);
      const res = await app().request('/api/auth/login', json('POST', { username: c.username, password: c.password }, {}));
      expect(res.status).toBe(200);
      expect((await res.json()).user).toMatchObject({ role: c.role, regionCode: c.regionCode });
    }
    const [stored] = await owner().query<{ h: string }>(`SELECT password_hash AS h FROM staff WHERE username = 'admin'`);
    expect(stored!.h).toMatch(/^scrypt\$/);
    expect(stored!.h).not.toContain(credentials[0]!.password);
  });

  // --- Cross-region reads -------------------------------------------------------------------
  it('by id: an incident of another village is 404 with the same body as one that does not exist', async () => {
    const other = await call(`/api/incidents/${ids.incidentY}`, t.opX);
    const missing = await call('/api/incidents/999999999', t.opX);
    const own = await call(`/api/incidents/${ids.incidentX}`, t.opX);
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(own.status).toBe(200);
    const a = (await other.json()).error;
    const b = (await missing.json()).error;
    expect(a.code).toBe('NotFound');
    expect(a.message.replace(/\d+/g, 'N')).toBe(b.message.replace(/\d+/g, 'N'));
    expect((await own.json()).villageCode).toBe(r.villageX.code);
  });

  it('by bbox: even with the other village\'s own bbox, every layer returns only the caller\'s village', async () => {
    const [box] = await owner().query<{ b: number[] }>(
      'SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] AS b FROM (SELECT ST_Extent(geom) AS e FROM regions WHERE code = $1) s', [r.villageY.code],
    );
    for (const id of LAYER_IDS) {
      if (!LAYERS[id].properties.includes('village_code')) continue;
      const res = await call(`/api/layers/${id}/features?bbox=${box!.b.join(',')}&limit=${LAYERS[id].maxLimit}`, t.analystX);
      expect(res.status).toBe(200);
      const fc = await res.json();
      const villages = new Set(fc.features.map((f: { properties: { village_code: string } }) => f.properties.village_code));
      expect({ id, leaked: [...villages].filter((v) => v !== r.villageX.code) }).toEqual({ id, leaked: [] });
    }
  });

  it('whole layer: a village caller gets exactly its village\'s rows, the county caller all of them', async () => {
    const truthX = await ownerCount('SELECT count(*)::int AS n FROM incidents WHERE village_code = $1', [r.villageX.code]);
    const truthAll = await ownerCount('SELECT count(*)::int AS n FROM incidents');
    const x = await (await call('/api/layers/incidents/features?limit=100000', t.analystX)).json();
    const all = await (await call('/api/layers/incidents/features?limit=100000', t.analystCounty)).json();
    expect(x.numberReturned).toBe(truthX);
    expect(all.numberReturned).toBe(truthAll);
    expect(truthX).toBeGreaterThan(0);
    expect(truthX).toBeLessThan(truthAll);
  });

  it('by tile: a tile over the other village holds none of its features; the county caller gets them', async () => {
    const [p] = await owner().query<{ x: number; y: number }>('SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM incidents WHERE id = $1', [ids.incidentY]);
    for (const z of [11, 15]) {
      const { x, y } = tileOf(p!.x, p!.y, z);
      const path = (layer: string) => `/tiles/${layer}/${z}/${x}/${y}.mvt`;
      const county = decodeTile(await (await call(path('incidents'), t.analystCounty)).arrayBuffer());
      expect(county.incidents!.some((f) => f.village_code === r.villageY.code)).toBe(true);
      for (const layer of ['incidents', 'cameras', 'address_points', 'grids']) {
        const res = await call(path(layer), t.analystX);
        expect(res.status).toBe(200);
        expect(res.headers.get('cache-control')).toContain('private');
        const features = decodeTile(await res.arrayBuffer())[layer] ?? [];
        expect({ layer, z, leaked: features.filter((f) => f.village_code !== r.villageX.code).length }).toEqual({ layer, z, leaked: 0 });
      }
    }
  });

  it('by export: CSV and GeoJSON exports hold only the caller\'s village', async () => {
    const truth = await ownerCount('SELECT count(*)::int AS n FROM cameras WHERE village_code = $1', [r.villageX.code]);
    const csv = await call('/api/export/cameras.csv', t.analystX);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toContain(`cameras-${r.villageX.code}`);
    const lines = (await csv.text()).replace(/^\uFEFF/, '').trim().split('\n');
    const header = lines[0]!.split(',');
    const col = header.indexOf('village_code');
    expect(lines.length - 1).toBe(truth);
    expect(lines.slice(1).every((l) => l.split(',')[col] === r.villageX.code)).toBe(true);
    const geo = await (await call('/api/export/incidents.geojson', t.analystX)).json();
    expect(geo.features.length).toBeGreaterThan(0);
    expect(geo.features.every((f: { properties: { village_code: string } }) => f.properties.village_code === r.villageX.code)).toBe(true);
  });

  it('CSV exports neutralise cells that a spreadsheet would run as a formula', async () => {
    const [place] = await owner().query<{ id: number }>('SELECT id FROM key_places WHERE village_code = $1 ORDER BY id LIMIT 1', [r.villageX.code]);
    expect(place, 'village X has a key place').toBeDefined();
    await owner().query(`UPDATE key_places SET name = '=HYPERLINK("http://evil.example","点我")' WHERE id = $1`, [place!.id]);
    const text = await (await call('/api/export/key_places.csv', t.analystX)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${place!.id},`))!;
    expect(line).toContain(`"'=HYPERLINK(""http://evil.example"",""点我"")"`);
    expect(neutraliseCell('-12.5')).toBe("'-12.5");
    expect(neutraliseCell(-12.5)).toBe(-12.5);
    expect(neutraliseCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(neutraliseCell('普通文本')).toBe('普通文本');
  });

  it('counts do not leak: the summary of a village equals that village\'s own figures', async () => {
    const { counts } = await (await call('/api/summary', t.analystX)).json();
    const v = r.villageX.code;
    expect(counts).toEqual({
      villages: 1,
      grids: await ownerCount('SELECT count(*)::int AS n FROM current_grids WHERE village_code = $1', [v]),
      address_points: await ownerCount('SELECT count(*)::int AS n FROM address_points WHERE village_code = $1', [v]),
      households: await ownerCount('SELECT coalesce(sum(households), 0)::int AS n FROM address_points WHERE village_code = $1', [v]),
      cameras: await ownerCount('SELECT count(*)::int AS n FROM cameras WHERE village_code = $1', [v]),
      cameras_online: await ownerCount(`SELECT count(*)::int AS n FROM cameras WHERE village_code = $1 AND status = 'online'`, [v]),
      key_places: await ownerCount('SELECT count(*)::int AS n FROM key_places WHERE village_code = $1', [v]),
      incidents: await ownerCount('SELECT count(*)::int AS n FROM incidents WHERE village_code = $1', [v]),
      open_incidents: await ownerCount(`SELECT count(*)::int AS n FROM incidents WHERE village_code = $1 AND status NOT IN ('resolved', 'closed')`, [v]),
    });
  });

  it('the region tree shows the caller\'s ancestors and subtree, never a sibling', async () => {
    const text = await (await call('/api/regions/tree', t.opX)).text();
    const { root } = JSON.parse(text);
    expect(root.code).toBe(r.county.code);
    expect(root.children.map((c: { code: string }) => c.code)).toEqual([r.townshipX.code]);
    expect(root.children[0].children.map((c: { code: string }) => c.code)).toEqual([r.villageX.code]);
    expect(text).not.toContain(r.villageY.code);
    expect(text).not.toContain(r.townshipY.code);
  });

  // --- Writes ------------------------------------------------------------------------------
  it('a write that would move a feature out of the caller\'s region is refused (API 403, and the policy\'s WITH CHECK in SQL)', async () => {
    const before = await (await call(`/api/incidents/${ids.incidentX}`, t.opX)).json();
    const [pointY] = await owner().query<{ x: number; y: number }>('SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM incidents WHERE id = $1', [ids.incidentY]);
    const res = await call(`/api/incidents/${ids.incidentX}`, t.opX, json('PATCH', { rowVersion: before.rowVersion, lon: pointY!.x, lat: pointY!.y }, {}));
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('OutOfScope');
    const [after] = await owner().query<{ village_code: string }>('SELECT village_code FROM incidents WHERE id = $1', [ids.incidentX]);
    expect(after!.village_code).toBe(r.villageX.code);
    // The database refuses the same on its own, whatever the API does.
    await expect(
      withScope(db(), scopeOf(r.villageX.code), (tx) => tx.query('UPDATE incidents SET village_code = $1 WHERE id = $2', [r.villageY.code, ids.incidentX])),
    ).rejects.toThrow(/row-level security/);
    // And a write to another region's row touches nothing.
    const touched = await withScope(db(), scopeOf(r.villageX.code), (tx) => tx.query(`UPDATE incidents SET summary = 'x' WHERE id = $1 RETURNING id`, [ids.incidentY]));
    expect(touched).toEqual([]);
  });

  it('with no region set a query returns zero rows (fail closed)', async () => {
    for (const role of ['atlas_app', 'atlas_display']) {
      const rows = await db().transaction(async (tx) => {
        await tx.query(`SELECT set_config('role', $1, true)`, [role]);
        return tx.query<{ table: string; n: number }>(
          `SELECT 'incidents' AS table, count(*)::int AS n FROM incidents UNION ALL SELECT 'cameras', count(*)::int FROM cameras
           UNION ALL SELECT 'grids', count(*)::int FROM current_grids UNION ALL SELECT 'regions', count(*)::int FROM regions
           UNION ALL SELECT 'flow steps', count(*)::int FROM incident_flow_steps`,
        );
      });
      expect(rows.every((row) => row.n === 0)).toBe(true);
    }
    if (engine === 'postgres') {
      // The server's login role itself, outside any request transaction, sees nothing either.
      const [row] = await db().query<{ n: number; u: string }>('SELECT count(*)::int AS n, current_user AS u FROM incidents');
      expect(row).toEqual({ n: 0, u: 'atlas_login' });
    }
  });

  it('two regions\' requests interleaved concurrently on the same pool never see each other\'s rows', async () => {
    const truth = {
      [r.villageX.code]: await ownerCount('SELECT count(*)::int AS n FROM incidents WHERE village_code = $1', [r.villageX.code]),
      [r.villageY.code]: await ownerCount('SELECT count(*)::int AS n FROM incidents WHERE village_code = $1', [r.villageY.code]),
    };
    // In SQL: each transaction reads, sleeps while the other region's runs on the next connection, reads again.
    const runs = Array.from({ length: 16 }, (_, i) => (i % 2 ? r.villageY.code : r.villageX.code));
    const seen = await Promise.all(runs.map((code) => withScope(db(), scopeOf(code), async (tx) => {
      const first = await tx.query<{ v: string; n: number }>('SELECT village_code AS v, count(*)::int AS n FROM incidents GROUP BY 1');
      await tx.query('SELECT pg_sleep(0.02)');
      const second = await tx.query<{ v: string; n: number }>('SELECT village_code AS v, count(*)::int AS n FROM incidents GROUP BY 1');
      return { code, first, second };
    })));
    for (const s of seen) {
      expect(s.first).toEqual([{ v: s.code, n: truth[s.code] }]);
      expect(s.second).toEqual(s.first);
    }
    // Over HTTP: the same, through authentication and the request transaction.
    const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => {
      const [token, code] = i % 2 ? [t.opY!, r.villageY.code] : [t.opX!, r.villageX.code];
      return Promise.resolve(call('/api/layers/incidents/features?limit=100000', token)).then(async (res) => ({ code, fc: await res.json() }));
    }));
    for (const { code, fc } of responses) {
      expect(fc.numberReturned).toBe(truth[code]);
      expect(fc.features.every((f: { properties: { village_code: string } }) => f.properties.village_code === code)).toBe(true);
    }
  });

  // --- Roles -------------------------------------------------------------------------------
  it('a display token cannot write (403), reads no incident text and no patrol tracks', async () => {
    const [p] = await owner().query<{ x: number; y: number }>('SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM incidents WHERE id = $1', [ids.incidentX]);
    const report = { category: 'dispute', lon: p!.x, lat: p!.y, summary: 'test' };
    expect((await call('/api/incidents', t.display!, json('POST', report, {}))).status).toBe(403);
    expect((await call(`/api/incidents/${ids.incidentX}/flow`, t.display!, json('POST', { action: 'accept', rowVersion: 1 }, {}))).status).toBe(403);
    expect((await call('/api/users', t.display!, json('POST', {}, {}))).status).toBe(403);
    expect((await call(`/api/incidents/${ids.incidentX}`, t.display!)).status).toBe(403);
    expect((await call('/api/layers/patrol_tracks/features', t.display!)).status).toBe(403);
    expect((await call('/api/layers/incidents/features?limit=5', t.display!)).status).toBe(200);
    // Every read path of walls selects catalogue columns only (a `t.*` would ask for the text).
    expect((await call('/ogc/collections/incidents/items?limit=5', t.display!)).status).toBe(200);
    const { z, x, y } = tileOf(p!.x, p!.y, 13);
    const wallTile = await call(`/tiles/incidents/${z}/${x}/${y}.mvt?category=dispute`, t.display!);
    expect(wallTile.status).toBe(200);
    expect((await call(`/api/export/incidents.geojson`, t.display!)).status).toBe(403);
    expect((await call('/api/summary', t.display!)).status).toBe(200);
    const layers = (await (await call('/api/layers', t.display!)).json()).layers.map((l: { id: string }) => l.id);
    expect(layers).not.toContain('patrol_tracks');
    // The database role of walls enforces the same, whatever a route does.
    const display = scopeOf(r.county.code, 'atlas_display');
    await expect(withScope(db(), display, (tx) => tx.query('SELECT summary FROM incidents LIMIT 1'))).rejects.toThrow(/permission denied/);
    await expect(withScope(db(), display, (tx) => tx.query('SELECT worker_id FROM patrol_tracks LIMIT 1'))).rejects.toThrow(/permission denied/);
    await expect(withScope(db(), display, (tx) => tx.query(`UPDATE incidents SET status = 'closed' WHERE id = $1`, [ids.incidentX]))).rejects.toThrow(/permission denied/);
    await expect(withScope(db(), display, (tx) => tx.query('DELETE FROM cameras'))).rejects.toThrow(/permission denied/);
  });

  it.each([
    ['analyst', 'POST', '/api/incidents', 403],
    ['planner', 'POST', '/api/incidents', 403],
    ['operator', 'GET', '/api/users', 403],
    ['operator', 'GET', '/api/audit', 403],
    ['operator', 'GET', '/api/export/incidents.csv', 403],
    ['planner', 'GET', '/api/audit', 403],
    ['analyst', 'GET', '/api/export/incidents.csv', 200],
    ['analyst', 'PUT', '/api/categories/test_cat', 403],
    ['display', 'GET', '/api/export/incidents.geojson', 403],
    ['display', 'GET', '/api/tokens', 403],
    ['operator', 'GET', '/api/summary', 200],
  ])('%s %s %s → %i', async (role, method, path, status) => {
    const token = { analyst: t.analystX, planner: t.plannerX, operator: t.opX, display: t.display }[role]!;
    const body = method === 'GET' ? {} : json(method, { category: 'dispute', lon: 120, lat: 30, nameZh: 'x', nameEn: 'x' }, {});
    const res = await call(path, token, body);
    expect(res.status).toBe(status);
    if (status === 403) expect((await res.json()).error.code).toBe('Forbidden');
  });

  // --- Tokens ------------------------------------------------------------------------------
  it('expired and revoked tokens get 401; revoking works at once', async () => {
    const expiring = await tokenFor(owner(), 'analyst', r.villageX.code, { expiresInDays: 1 });
    expect((await call('/api/summary', expiring.token)).status).toBe(200);
    await owner().query(`UPDATE api_tokens SET expires_at = now() - interval '1 minute' WHERE id = $1`, [expiring.id]);
    const expired = await call('/api/summary', expiring.token);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('Bearer');

    const created = await call('/api/tokens', t.adminCounty!, json('POST', { kind: 'display', regionCode: r.townshipX.code, label: '指挥中心大屏' }, {}));
    expect(created.status).toBe(201);
    const token = await created.json();
    expect(token.token).toMatch(/^pad_/);
    expect((await call('/api/summary', token.token)).status).toBe(200);
    const listed = await (await call('/api/tokens', t.adminCounty!)).json();
    expect(JSON.stringify(listed)).not.toContain(token.token);
    expect((await call(`/api/tokens/${token.id}`, t.adminCounty!, { method: 'DELETE' })).status).toBe(200);
    expect((await call('/api/summary', token.token)).status).toBe(401);
    expect((await call('/api/summary', 'pat_not-a-token')).status).toBe(401);
    expect((await app().request('/api/summary', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
    expect((await app().request('/api/summary')).status).toBe(401);
  });

  it('an admin manages only accounts and tokens of their own region', async () => {
    const inTown = await call('/api/users', t.adminTownX!, json('POST', {
      username: `op_town_${engine}`, displayName: '值班员', role: 'operator', regionCode: r.villageX.code, password: 'a-long-password-1',
    }, {}));
    expect(inTown.status).toBe(201);
    const outside = await call('/api/users', t.adminTownX!, json('POST', {
      username: `op_other_${engine}`, displayName: '值班员', role: 'operator', regionCode: r.villageY.code, password: 'a-long-password-1',
    }, {}));
    expect(outside.status).toBe(400); // the region is not even visible to them
    const upward = await call('/api/users', t.adminTownX!, json('POST', {
      username: `admin_up_${engine}`, displayName: '管理员', role: 'admin', regionCode: r.county.code, password: 'a-long-password-1',
    }, {}));
    expect(upward.status).toBe(403); // the county row is visible (breadcrumbs), but WITH CHECK refuses it
    expect((await upward.json()).error.code).toBe('OutOfScope');
    const tokenUp = await call('/api/tokens', t.adminTownX!, json('POST', { kind: 'api', role: 'admin', regionCode: r.county.code }, {}));
    expect(tokenUp.status).toBe(403);
    const list = await (await call('/api/users', t.adminTownX!)).json();
    expect(list.users.every((u: { regionCode: string }) => u.regionCode.startsWith(r.townshipX.code.slice(0, 9)))).toBe(true);
    expect(JSON.stringify(list)).not.toMatch(/password|scrypt/);
  });

  // --- Sessions ----------------------------------------------------------------------------
  it('sessions: HttpOnly SameSite cookie, CSRF token needed for changes, idle timeout, sign-out', async () => {
    await accountFor(owner(), `sess_${engine}`, 'operator', r.villageX.code);
    const res = await app().request('/api/auth/login', json('POST', { username: `sess_${engine}`, password: 'test-password-1234' }, {}));
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^atlas_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    const s = await signIn(app(), `sess_${engine}`);
    expect((await app().request('/api/auth/me', { headers: { cookie: s.cookie } })).status).toBe(200);
    const [p] = await owner().query<{ x: number; y: number }>('SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM incidents WHERE id = $1', [ids.incidentX]);
    const report = { category: 'dispute', lon: p!.x, lat: p!.y };
    const noCsrf = await app().request('/api/incidents', json('POST', report, { cookie: s.cookie }));
    expect(noCsrf.status).toBe(403);
    expect((await noCsrf.json()).error.code).toBe('CsrfRejected');
    const wrongCsrf = await app().request('/api/incidents', json('POST', report, { cookie: s.cookie, 'x-csrf-token': 'nope' }));
    expect(wrongCsrf.status).toBe(403);
    expect((await app().request('/api/incidents', json('POST', report, s.headers))).status).toBe(201);
    // Idle longer than the timeout: the session is over.
    await owner().query(`UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE staff_id = (SELECT id FROM staff WHERE username = $1)`, [`sess_${engine}`]);
    expect((await app().request('/api/auth/me', { headers: { cookie: s.cookie } })).status).toBe(401);
    // Absolute expiry, and sign-out.
    const s2 = await signIn(app(), `sess_${engine}`);
    await owner().query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE revoked_at IS NULL AND last_seen_at > now() - interval '1 minute'`);
    expect((await app().request('/api/auth/me', { headers: { cookie: s2.cookie } })).status).toBe(401);
    const s3 = await signIn(app(), `sess_${engine}`);
    expect((await app().request('/api/auth/logout', { method: 'POST', headers: s3.headers })).status).toBe(204);
    expect((await app().request('/api/auth/me', { headers: { cookie: s3.cookie } })).status).toBe(401);
    // A disabled account's live session ends at once.
    const s4 = await signIn(app(), `sess_${engine}`);
    await owner().query('UPDATE staff SET active = false WHERE username = $1', [`sess_${engine}`]);
    expect((await app().request('/api/auth/me', { headers: { cookie: s4.cookie } })).status).toBe(401);
  });

  it('sign-in is rate limited with a temporary lockout, and says nothing about which part was wrong', async () => {
    await accountFor(owner(), `lock_${engine}`, 'analyst', r.villageX.code);
    const fresh = createApp({ db: db(), log, webDist: null });
    const attempt = (password: string, username = `lock_${engine}`) =>
      fresh.request('/api/auth/login', json('POST', { username, password }, {}));
    const unknown = await (await attempt('whatever-password', 'nobody-here')).json();
    const wrong = await attempt('wrong-password-1');
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.message).toBe(unknown.error.message);
    for (let i = 0; i < 4; i++) await attempt('wrong-password-1');
    const locked = await attempt('test-password-1234');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another instance (a fresh throttle) lets the right password in: the lockout was the throttle's.
    expect((await createApp({ db: db(), log, webDist: null }).request('/api/auth/login', json('POST', { username: `lock_${engine}`, password: 'test-password-1234' }, {}))).status).toBe(200);
  });

  // --- Audit ------------------------------------------------------------------------------
  it('every write appears in the audit log with who, region, action, before and after', async () => {
    const [p] = await owner().query<{ x: number; y: number }>('SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM incidents WHERE id = $1', [ids.incidentX]);
    const created = await (await call('/api/incidents', t.opX!, json('POST', { category: 'dispute', level: 'major', lon: p!.x, lat: p!.y, summary: '邻里噪音纠纷' }, {}))).json();
    const patched = await (await call(`/api/incidents/${created.id}`, t.opX!, json('PATCH', { rowVersion: created.rowVersion, summary: '邻里噪音纠纷，已到场' }, {}))).json();
    const accepted = await (await call(`/api/incidents/${created.id}/flow`, t.opX!, json('POST', { action: 'accept', rowVersion: patched.rowVersion, note: '网格员受理' }, {}))).json();
    expect(accepted.status).toBe('accepted');
    expect(accepted.steps.map((s: { action: string }) => s.action)).toEqual(['report', 'accept']);
    const category = await call('/api/categories/test_audit', t.adminCounty!, json('PUT', { nameZh: '测试', nameEn: 'Test' }, {}));
    expect(category.status).toBe(200);

    const audit = async (query: string) => (await (await call(`/api/audit?${query}`, t.adminCounty!)).json()).entries as {
      action: string; table: string; rowId: string; regionCode: string; actor: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null; requestId: string;
    }[];
    const rows = await audit(`table=incidents&rowId=${created.id}`);
    expect(rows.map((e) => e.action)).toEqual(['update', 'update', 'insert']); // newest first: flow, patch, create
    expect(rows.every((e) => e.regionCode === r.villageX.code && e.actor.startsWith('token:') && e.requestId)).toBe(true);
    const patch = rows[1]!;
    expect(patch.before!.summary).toBe('邻里噪音纠纷');
    expect(patch.after!.summary).toBe('邻里噪音纠纷，已到场');
    const steps = await audit('table=incident_flow_steps&action=insert&limit=5');
    expect(steps.filter((e) => e.after!.incident_id === created.id).map((e) => e.after!.action).sort()).toEqual(['accept', 'report']);
    expect((await audit('table=incident_categories'))[0]!.rowId).toBe('test_audit');
    const users = await audit('table=staff&action=insert');
    expect(users.length).toBeGreaterThan(0);
    expect(JSON.stringify(users)).not.toMatch(/password_hash|scrypt/);
    expect(JSON.stringify(await audit('table=api_tokens'))).not.toMatch(/token_hash/);

    // A failed write leaves no trace: it was rolled back with its audit row.
    const before = await ownerCount('SELECT count(*)::int AS n FROM audit_log');
    await call(`/api/incidents/${created.id}`, t.opX!, json('PATCH', { rowVersion: 1, summary: 'stale' }, {}));
    expect(await ownerCount('SELECT count(*)::int AS n FROM audit_log')).toBe(before);

    // Region scope holds in the audit log too; non-admins cannot read it.
    const townAudit = (await (await call('/api/audit?limit=1000', t.adminTownX!)).json()).entries as { regionCode: string }[];
    expect(townAudit.every((e) => e.regionCode.startsWith(r.townshipX.code.slice(0, 9)))).toBe(true);
  });

  it('the app role can only insert into the audit log, never change or delete it', async () => {
    const scope = scopeOf(r.county.code);
    await expect(withScope(db(), scope, (tx) => tx.query(`UPDATE audit_log SET action = 'forged'`))).rejects.toThrow(/permission denied/);
    await expect(withScope(db(), scope, (tx) => tx.query('DELETE FROM audit_log'))).rejects.toThrow(/permission denied/);
    await expect(withScope(db(), scope, (tx) => tx.query('TRUNCATE audit_log'))).rejects.toThrow(/permission denied/);
    await expect(withScope(db(), scope, (tx) => tx.query('ALTER TABLE audit_log DISABLE TRIGGER ALL'))).rejects.toThrow(/must be owner|permission denied/);
    await expect(withScope(db(), scope, (tx) => tx.query('DROP TRIGGER incidents_audit ON incidents'))).rejects.toThrow(/must be owner|permission denied/);
    await expect(withScope(db(), scope, (tx) => tx.query('ALTER TABLE incidents DISABLE ROW LEVEL SECURITY'))).rejects.toThrow(/must be owner|permission denied/);
  });

  // --- Privacy guard ------------------------------------------------------------------------
  it.each([
    ['ID-card number', '当事人身份证330681199001011234，要求调解'],
    ['ID-card number ending in X', '证件 33068119900101123X 已核验'],
    ['spaced ID-card number', '号码 3306 8119 9001 0112 34'],
    ['mobile number', '联系电话13812345678'],
    ['spaced mobile number', '电话 138 1234 5678'],
    ['mobile with +86 and hyphens', '+86 139-1234-5678'],
    ['full-width mobile number', '手机１３９１２３４５６７８'],
  ])('the privacy guard rejects a summary with a %s (400, nothing stored)', async (_kind, summary) => {
    const [p] = await owner().query<{ x: number; y: number }>('SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM incidents WHERE id = $1', [ids.incidentX]);
    const before = await ownerCount('SELECT count(*)::int AS n FROM incidents');
    const res = await call('/api/incidents', t.opX!, json('POST', { category: 'dispute', lon: p!.x, lat: p!.y, summary }, {}));
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe('PersonalData');
    expect(body.error.message).toMatch(/summary contains (an ID-card|a mobile) number/);
    expect(await ownerCount('SELECT count(*)::int AS n FROM incidents')).toBe(before);
  });

  it('the privacy guard accepts ordinary text with other numbers, and guards flow notes too', async () => {
    const [p] = await owner().query<{ x: number; y: number }>('SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM incidents WHERE id = $1', [ids.incidentX]);
    const summary = '2026年11月23日 14:30，3户因宅基地界址争执，涉及金额15000元，门牌12号1203室，编号330699001001';
    const res = await call('/api/incidents', t.opX!, json('POST', { category: 'dispute', lon: p!.x, lat: p!.y, summary }, {}));
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created.summary).toBe(summary);
    const note = await call(`/api/incidents/${created.id}/flow`, t.opX!, json('POST', { action: 'accept', rowVersion: created.rowVersion, note: '请回电 13912345678' }, {}));
    expect(note.status).toBe(400);
    expect((await note.json()).error.message).toMatch(/^note contains a mobile number/);
  });

  it('the database refuses the same text on its own, and agrees with the TypeScript guard on every case', async () => {
    const texts = [...PERSONAL_TEXT.map(([text]) => text), ...ORDINARY_TEXT];
    const rows = await owner().query<{ kind: string | null }>('SELECT atlas_personal_number_kind(t) AS kind FROM unnest($1::text[]) WITH ORDINALITY AS u(t, i) ORDER BY i', [texts]);
    expect(rows.map((row) => row.kind)).toEqual(texts.map((text) => findPersonalNumbers(text)[0]?.kind ?? null));
    // A write that skips the API's guard (a script, an import) still cannot store one.
    await expect(withScope(db(), scopeOf(r.villageX.code), (tx) => tx.query(`UPDATE incidents SET summary = '回电 139 1234 5678' WHERE id = $1`, [ids.incidentX])))
      .rejects.toThrow(/no_personal_numbers/);
    await expect(owner().query(`UPDATE mediations SET note = '身份证 330681199001011234' WHERE id = (SELECT min(id) FROM mediations)`)).rejects.toThrow(/no_personal_numbers/);
  });

  // --- Hardening ----------------------------------------------------------------------------
  it('request bodies over the limit are refused, chunked ones too', async () => {
    const small = createApp({ db: db(), log, webDist: null, maxBodyBytes: 4096 });
    const big = JSON.stringify({ username: 'x', password: 'y'.repeat(10_000) });
    const sized = await small.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(sized.status).toBe(413);
    expect((await sized.json()).error.code).toBe('PayloadTooLarge');
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1000)));
        controller.close();
      },
    });
    const chunked = await small.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it('errors say what is wrong but nothing internal: no SQL, table, constraint or stack', async () => {
    const created = await (await call(`/api/incidents/${ids.incidentX}`, t.opX!)).json();
    const res = await call(`/api/incidents/${ids.incidentX}`, t.opX!, json('PATCH', { rowVersion: created.rowVersion, category: 'no_such_category' }, {}));
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text).error.requestId).toMatch(/\S/);
    expect(text).not.toMatch(/incidents|fkey|violates|constraint|SELECT|at \//i);
    const stale = await call(`/api/incidents/${ids.incidentX}`, t.opX!, json('PATCH', { rowVersion: created.rowVersion + 100, summary: 'x' }, {}));
    expect(stale.status).toBe(409);
    expect((await stale.json()).error.code).toBe('StaleWrite');
    const form = await call('/api/incidents', t.opX!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' });
    expect(form.status).toBe(415);
  });

  it('logs name who, region, action and reason, and never a secret', async () => {
    logLines.length = 0;
    await accountFor(owner(), `logged_${engine}`, 'operator', r.villageX.code);
    const s = await signIn(app(), `logged_${engine}`);
    await app().request('/api/auth/login', json('POST', { username: `logged_${engine}`, password: 'wrong-password-9' }, {}));
    await call(`/api/incidents/${ids.incidentY}`, t.opX!);
    await app().request('/api/incidents', json('POST', { category: 'dispute', lon: 1, lat: 1 }, s.headers));
    const all = logLines.join('\n');
    expect(all).toContain(`"actor":"user:logged_${engine}"`);
    expect(all).toContain(`"region":"${r.villageX.code}"`);
    expect(all).toContain('sign-in failed');
    expect(all).toContain('OutOfScope');
    for (const secret of ['test-password-1234', 'wrong-password-9', s.cookie.split('=')[1]!, s.csrf, t.opX!]) expect(all).not.toContain(secret);
  });

  it('refuses to run when region scope could be bypassed', async () => {
    if (engine === 'postgres') {
      const { ownerUrl, appUrl } = test();
      const base = { PINGAN_WEB_DIST: '/nonexistent', LOG_LEVEL: 'error' };
      const quiet = createLogger('error', () => undefined);
      await expect(openDatabase(loadConfig({ ...base, DATABASE_URL: ownerUrl! }), quiet)).rejects.toThrow(/superuser/);
      const ok = await openDatabase(loadConfig({ ...base, DATABASE_URL: appUrl! }), quiet);
      await ok.close();
    }
    if (engine === 'postgres') {
      // A login role with BYPASSRLS is refused too. (Roles are cluster-wide on a server: the shared
      // app roles are left alone here, other test files use them at the same time.)
      const { ownerUrl } = test();
      await owner().execScript(`DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'atlas_bypass') THEN CREATE ROLE atlas_bypass LOGIN BYPASSRLS; END IF;
      END $$; GRANT atlas_app, atlas_display TO atlas_bypass`);
      const bypassUrl = ownerUrl!.replace('postgres://postgres@', 'postgres://atlas_bypass@');
      await expect(openDatabase(loadConfig({ PINGAN_WEB_DIST: '/nonexistent', DATABASE_URL: bypassUrl }), createLogger('error', () => undefined)))
        .rejects.toThrow(/BYPASSRLS/);
      return;
    }
    // PGlite (its own cluster): an app role that gains BYPASSRLS stops the start.
    await owner().query('ALTER ROLE atlas_app BYPASSRLS');
    try {
      await expect(assertSafeRoles(db())).rejects.toThrow(/atlas_app is BYPASSRLS/);
    } finally {
      await owner().query('ALTER ROLE atlas_app NOBYPASSRLS');
    }
    await assertSafeRoles(db());
  });
});
