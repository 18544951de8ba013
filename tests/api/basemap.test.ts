import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type AppOptions } from '../../api/app.js';
import { loadConfig } from '../../api/config.js';
import { BASEMAP_KINDS, generateBasemap } from '../../api/demo/generate-basemap.js';
import { buildWorld } from '../../api/demo/generate-regions.js';
import { Rng } from '../../api/demo/random.js';
import { createLogger } from '../../api/logger.js';
import { parseRange, PMTILES_URL } from '../../api/routes/basemap.js';
import { bearer, tokenFor } from '../support/accounts.js';
import { describeEachDatabase } from '../support/databases.js';
import { TEST_DEMO } from '../support/demo-template.js';

const quiet = createLogger('error', () => undefined);

/** A stand-in archive: the API serves bytes and never parses them. Byte i is i mod 251. */
const dir = mkdtempSync(join(tmpdir(), 'atlas-basemap-'));
const FAKE_SIZE = 4096;
const fakeBytes = Uint8Array.from({ length: FAKE_SIZE }, (_, i) => i % 251);
const fakePath = join(dir, 'county.pmtiles');
writeFileSync(fakePath, fakeBytes);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseRange', () => {
  it.each([
    [undefined, null],
    ['bytes=0-99', { start: 0, end: 99 }],
    ['bytes=100-', { start: 100, end: 999 }],
    ['bytes=-10', { start: 990, end: 999 }],
    ['bytes=-5000', { start: 0, end: 999 }],
    ['bytes=990-5000', { start: 990, end: 999 }],
    ['bytes=1000-', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=5-4', null],
    ['bytes=0-1,5-9', null],
    ['items=0-9', null],
  ] as const)('%s of 1000 bytes → %j', (header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected);
  });
});

describe('base-map configuration', () => {
  it('takes a same-origin path or an http(s) URL for ATLAS_BASEMAP_STYLE, nothing else', () => {
    expect(loadConfig({ ATLAS_BASEMAP_STYLE: '/basemap/style.json' }).ATLAS_BASEMAP_STYLE).toBe('/basemap/style.json');
    expect(loadConfig({ ATLAS_BASEMAP_STYLE: 'http://gis.intranet/styles/county.json' }).ATLAS_BASEMAP_STYLE).toBe('http://gis.intranet/styles/county.json');
    expect(loadConfig({}).ATLAS_BASEMAP_STYLE).toBeUndefined();
    for (const bad of ['//cdn.example.com/style.json', 'ftp://gis/style.json', 'style.json']) {
      expect(() => loadConfig({ ATLAS_BASEMAP_STYLE: bad }), bad).toThrow(/ATLAS_BASEMAP_STYLE/);
    }
  });

  it('resolves ATLAS_BASEMAP_PMTILES to an absolute path and refuses a missing file', () => {
    expect(loadConfig({ ATLAS_BASEMAP_PMTILES: fakePath }).ATLAS_BASEMAP_PMTILES).toBe(fakePath);
    expect(() => loadConfig({ ATLAS_BASEMAP_PMTILES: join(dir, 'none.pmtiles') })).toThrow(/ATLAS_BASEMAP_PMTILES: no file/);
    expect(() => loadConfig({ ATLAS_BASEMAP_PMTILES: dir })).toThrow(/ATLAS_BASEMAP_PMTILES: no file/);
  });
});

describeEachDatabase('base map API', ({ db, owner }) => {
  const app = (basemap?: AppOptions['basemap']) => createApp({ db: db(), log: quiet, webDist: null, basemap });
  let analyst: Record<string, string> = {};
  let display: Record<string, string> = {};
  beforeAll(async () => {
    const [county] = await owner().query<{ code: string }>(`SELECT code FROM regions WHERE level = 'county'`);
    analyst = bearer((await tokenFor(owner(), 'analyst', county!.code)).token);
    display = bearer((await tokenFor(owner(), 'display', county!.code)).token);
  });

  it('GET /api/basemap/features: the demo\'s roads and rivers exactly as generated, every kind, named in Chinese', async () => {
    const res = await app().request('/api/basemap/features', { headers: analyst });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/geo+json');
    const fc = await res.json() as GeoJSON.FeatureCollection<GeoJSON.LineString, { kind: string; name: string; rank: number }>;
    expect(fc.type).toBe('FeatureCollection');
    const root = Rng.fromSeed(TEST_DEMO.seed);
    const generated = generateBasemap(root, buildWorld(root, TEST_DEMO.scale));
    expect(fc.features.length).toBe(generated.length);
    expect(new Set(fc.features.map((f) => f.properties.kind))).toEqual(new Set(BASEMAP_KINDS));
    expect(fc.features.map((f) => `${f.properties.kind}:${f.properties.name}:${f.properties.rank}`).sort())
      .toEqual(generated.map((f) => `${f.kind}:${f.name}:${f.rank}`).sort());
    const main = fc.features.find((f) => f.properties.kind === 'river' && f.properties.rank === 1)!;
    expect(main.properties.name).toMatch(/^\p{Script=Han}+江$/u);
    expect(main.geometry.type).toBe('LineString');
    expect(main.geometry.coordinates).toEqual(generated.find((f) => f.kind === 'river' && f.rank === 1)!.geom.coordinates);
  });

  it('a wall display reads the same features (the display role has SELECT, the policy lets every row through)', async () => {
    const res = await app().request('/api/basemap/features', { headers: display });
    expect(res.status).toBe(200);
    const fc = await res.json() as GeoJSON.FeatureCollection;
    const [truth] = await owner().query<{ n: number }>('SELECT count(*)::int AS n FROM basemap_features');
    expect(truth!.n).toBeGreaterThan(80);
    expect(fc.features.length).toBe(truth!.n);
    const style = await app().request('/api/basemap/style.json', { headers: display });
    expect(await style.json()).toEqual({ mode: 'builtin' });
  });

  it.each(['/api/basemap/features', '/api/basemap/style.json', PMTILES_URL])('%s → 401 when not signed in', async (path) => {
    const res = await app({ pmtilesPath: fakePath }).request(path);
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('Unauthenticated');
  });

  it('style.json says builtin by default, and names the internal style URL when one is set', async () => {
    expect(await (await app().request('/api/basemap/style.json', { headers: analyst })).json()).toEqual({ mode: 'builtin' });
    const styleUrl = 'http://gis.intranet/styles/county.json';
    expect(await (await app({ styleUrl }).request('/api/basemap/style.json', { headers: analyst })).json())
      .toEqual({ mode: 'style', styleUrl });
    // An internal style may draw from the served archive: the client then needs its URL as well.
    expect(await (await app({ styleUrl, pmtilesPath: fakePath }).request('/api/basemap/style.json', { headers: analyst })).json())
      .toEqual({ mode: 'style', styleUrl, pmtilesUrl: PMTILES_URL });
    expect(await (await app({ pmtilesPath: fakePath }).request('/api/basemap/style.json', { headers: analyst })).json())
      .toEqual({ mode: 'pmtiles', url: '/api/basemap/tiles.pmtiles' });
  });

  it('serves the PMTiles archive by byte ranges: 206 with the asked bytes, 200 whole, 416 past the end', async () => {
    const a = app({ pmtilesPath: fakePath });
    const part = await a.request(PMTILES_URL, { headers: { ...display, range: 'bytes=300-427' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 300-427/${FAKE_SIZE}`);
    expect(part.headers.get('content-length')).toBe('128');
    expect(part.headers.get('accept-ranges')).toBe('bytes');
    expect(part.headers.get('etag')).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    const bytes = new Uint8Array(await part.arrayBuffer());
    expect(bytes.length).toBe(128);
    expect(bytes[0]).toBe(300 % 251);
    expect([...bytes]).toEqual([...fakeBytes.subarray(300, 428)]);

    const tail = await a.request(PMTILES_URL, { headers: { ...analyst, range: 'bytes=-16' } });
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe(`bytes ${FAKE_SIZE - 16}-${FAKE_SIZE - 1}/${FAKE_SIZE}`);
    expect([...new Uint8Array(await tail.arrayBuffer())]).toEqual([...fakeBytes.subarray(FAKE_SIZE - 16)]);

    const whole = await a.request(PMTILES_URL, { headers: analyst });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-length')).toBe(String(FAKE_SIZE));
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(fakeBytes);

    const past = await a.request(PMTILES_URL, { headers: { ...analyst, range: `bytes=${FAKE_SIZE}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${FAKE_SIZE}`);
  });

  it('answers 404 for the archive when none is configured', async () => {
    const res = await app().request(PMTILES_URL, { headers: analyst });
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toContain('ATLAS_BASEMAP_PMTILES');
  });
});
