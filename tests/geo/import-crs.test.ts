import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Geometry, Position } from 'geojson';
import { afterAll, describe, expect, it } from 'vitest';
import { crsFromPrj, offsetToWgs84, parseCrsName } from '../../geo/import/crs.js';
import type { SourceCrs } from '../../geo/import/types.js';
import { reportMissing } from '../support/environment.js';

const run = promisify(execFile);
const EPSG = (code: number): SourceCrs => ({ kind: 'epsg', code });

describe('parseCrsName', () => {
  it.each([
    ['EPSG:4490', EPSG(4490)],
    ['epsg:4326', EPSG(4326)],
    [' EPSG:4549 ', EPSG(4549)],
    ['urn:ogc:def:crs:EPSG::4326', EPSG(4326)],
    ['urn:ogc:def:crs:EPSG:6.6:4490', EPSG(4490)],
    ['urn:ogc:def:crs:OGC:1.3:CRS84', EPSG(4326)],
    ['OGC:CRS84', EPSG(4326)],
    ['http://www.opengis.net/def/crs/EPSG/0/4549', EPSG(4549)],
    ['http://www.opengis.net/def/crs/OGC/1.3/CRS84', EPSG(4326)],
    ['4326', EPSG(4326)],
    ['wgs84', EPSG(4326)],
    ['WGS 84', EPSG(4326)],
    ['WGS_1984', EPSG(4326)],
    ['cgcs2000', EPSG(4490)],
    ['CGCS 2000', EPSG(4490)],
    ['EPSG:900913', EPSG(3857)],
    ['gcj02', { kind: 'gcj02' }],
    ['GCJ-02', { kind: 'gcj02' }],
    ['amap', { kind: 'gcj02' }],
    ['Tencent', { kind: 'gcj02' }],
    ['bd09', { kind: 'bd09' }],
    ['BD-09', { kind: 'bd09' }],
    ['baidu', { kind: 'bd09' }],
  ])('%s', (text, expected) => {
    expect(parseCrsName(text)).toEqual(expected);
  });

  it.each(['', '   ', 'foo', 'EPSG:', 'EPSG:abc', 'EPSG:0', 'bd09mc', 'urn:ogc:def:crs:EPSG::', 'gcj03', 'EPSG:4326x'])('unknown: %j → null', (text) => {
    expect(parseCrsName(text)).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// .prj

/** .prj text as ArcGIS writes it (ESRI WKT 1, one line, no AUTHORITY). Verbatim from GDAL's wkt_esri. */
const ESRI_GEOGCS = {
  wgs84: 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]',
  cgcs2000:
    'GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]',
  xian1980: 'GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]',
  beijing1954:
    'GEOGCS["GCS_Beijing_1954",DATUM["D_Beijing_1954",SPHEROID["Krasovsky_1940",6378245.0,298.3]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]',
};
const esriGaussKruger = (name: string, geogcs: string, falseEasting: number, centralMeridian: number, projection = 'Gauss_Kruger') =>
  `PROJCS["${name}",${geogcs},PROJECTION["${projection}"],PARAMETER["False_Easting",${falseEasting.toFixed(1)}],PARAMETER["False_Northing",0.0],` +
  `PARAMETER["Central_Meridian",${centralMeridian.toFixed(1)}],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`;

const ESRI_4549 =
  'PROJCS["CGCS2000_3_Degree_GK_CM_120E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';
const ESRI_3857 =
  'PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],PARAMETER["Standard_Parallel_1",0.0],PARAMETER["Auxiliary_Sphere_Type",0.0],UNIT["Meter",1.0]]';
const esriUtm = (zone: number, south: boolean) =>
  `PROJCS["WGS_1984_UTM_Zone_${zone}${south ? 'S' : 'N'}",${ESRI_GEOGCS.wgs84},PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],` +
  `PARAMETER["False_Northing",${south ? '10000000.0' : '0.0'}],PARAMETER["Central_Meridian",${zone * 6 - 183}.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`;

/** OGC WKT 1 as GDAL writes it (gdalsrsinfo -o wkt1): the inner GEOGCS carries its own AUTHORITY 4490. */
const OGC_4549 =
  'PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 120E",GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4490"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",120],PARAMETER["scale_factor",1],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Northing",NORTH],AXIS["Easting",EAST],AUTHORITY["EPSG","4549"]]';
const OGC_3415 =
  'PROJCS["WGS 72BE / South China Sea Lambert",GEOGCS["WGS 72BE",DATUM["WGS_72_Transit_Broadcast_Ephemeris",SPHEROID["WGS 72",6378135,298.26,AUTHORITY["EPSG","7043"]],AUTHORITY["EPSG","6324"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4324"]],PROJECTION["Lambert_Conformal_Conic_2SP"],PARAMETER["latitude_of_origin",21],PARAMETER["central_meridian",114],PARAMETER["standard_parallel_1",18],PARAMETER["standard_parallel_2",24],PARAMETER["false_easting",500000],PARAMETER["false_northing",500000],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","3415"]]';
const stripAuthorities = (wkt: string) => wkt.replace(/,AUTHORITY\["[^"]*","[^"]*"\]/g, '');

/** WKT 2 (gdalsrsinfo -o wkt2): IDs on the base CRS, the method, the parameters and the CRS itself. */
const WKT2_4549 = `PROJCRS["CGCS2000 / 3-degree Gauss-Kruger CM 120E",
    BASEGEOGCRS["China Geodetic Coordinate System 2000",
        DATUM["China 2000", ELLIPSOID["CGCS2000",6378137,298.257222101, LENGTHUNIT["metre",1]]],
        PRIMEM["Greenwich",0, ANGLEUNIT["degree",0.0174532925199433]],
        ID["EPSG",4490]],
    CONVERSION["3-degree Gauss-Kruger CM 120E",
        METHOD["Transverse Mercator", ID["EPSG",9807]],
        PARAMETER["Latitude of natural origin",0, ANGLEUNIT["degree",0.0174532925199433], ID["EPSG",8801]],
        PARAMETER["Longitude of natural origin",120, ANGLEUNIT["degree",0.0174532925199433], ID["EPSG",8802]],
        PARAMETER["Scale factor at natural origin",1, SCALEUNIT["unity",1], ID["EPSG",8805]],
        PARAMETER["False easting",500000, LENGTHUNIT["metre",1], ID["EPSG",8806]],
        PARAMETER["False northing",0, LENGTHUNIT["metre",1], ID["EPSG",8807]]],
    CS[Cartesian,2],
        AXIS["northing (X)",north, ORDER[1], LENGTHUNIT["metre",1]],
        AXIS["easting (Y)",east, ORDER[2], LENGTHUNIT["metre",1]],
    USAGE[SCOPE["Cadastre, engineering survey, topographic mapping (large scale)."],
        AREA["China - onshore between 118°30'E and 121°30'E."], BBOX[24.43,118.5,53.33,121.5]],
    ID["EPSG",4549]]`;

describe('crsFromPrj', () => {
  it.each([
    ['GCS_WGS_1984', ESRI_GEOGCS.wgs84, 4326],
    ['GCS_China_Geodetic_Coordinate_System_2000', ESRI_GEOGCS.cgcs2000, 4490],
    ['GCS_Xian_1980', ESRI_GEOGCS.xian1980, 4610],
    ['GCS_Beijing_1954', ESRI_GEOGCS.beijing1954, 4214],
    ['WGS_1984_Web_Mercator_Auxiliary_Sphere', ESRI_3857, 3857],
    ['WGS_1984_UTM_Zone_50N', esriUtm(50, false), 32650],
    ['WGS_1984_UTM_Zone_50S', esriUtm(50, true), 32750],
    ['CGCS2000_3_Degree_GK_CM_120E', ESRI_4549, 4549],
    ['CGCS2000_3_Degree_GK_CM_75E', esriGaussKruger('CGCS2000_3_Degree_GK_CM_75E', ESRI_GEOGCS.cgcs2000, 500000, 75), 4534],
    ['CGCS2000_3_Degree_GK_CM_135E', esriGaussKruger('CGCS2000_3_Degree_GK_CM_135E', ESRI_GEOGCS.cgcs2000, 500000, 135), 4554],
    ['CGCS2000_3_Degree_GK_Zone_39', esriGaussKruger('CGCS2000_3_Degree_GK_Zone_39', ESRI_GEOGCS.cgcs2000, 39500000, 117), 4527],
    ['CGCS2000_3_Degree_GK_Zone_25', esriGaussKruger('CGCS2000_3_Degree_GK_Zone_25', ESRI_GEOGCS.cgcs2000, 25500000, 75), 4513],
    ['CGCS2000_3_Degree_GK_Zone_45', esriGaussKruger('CGCS2000_3_Degree_GK_Zone_45', ESRI_GEOGCS.cgcs2000, 45500000, 135), 4533],
    ['CGCS2000_GK_CM_117E (6-degree)', esriGaussKruger('CGCS2000_GK_CM_117E', ESRI_GEOGCS.cgcs2000, 500000, 117), 4509],
    ['CGCS2000_6_Degree_GK_CM_75E', esriGaussKruger('CGCS2000_6_Degree_GK_CM_75E', ESRI_GEOGCS.cgcs2000, 500000, 75), 4502],
    ['CGCS2000_GK_Zone_20 (6-degree)', esriGaussKruger('CGCS2000_GK_Zone_20', ESRI_GEOGCS.cgcs2000, 20500000, 117), 4498],
    ['CGCS2000_GK_Zone_13 (6-degree)', esriGaussKruger('CGCS2000_GK_Zone_13', ESRI_GEOGCS.cgcs2000, 13500000, 75), 4491],
    ['Xian_1980_3_Degree_GK_CM_120E', esriGaussKruger('Xian_1980_3_Degree_GK_CM_120E', ESRI_GEOGCS.xian1980, 500000, 120), 2385],
    ['Xian_1980_3_Degree_GK_Zone_40', esriGaussKruger('Xian_1980_3_Degree_GK_Zone_40', ESRI_GEOGCS.xian1980, 40500000, 120), 2364],
    ['Xian_1980_GK_CM_117E', esriGaussKruger('Xian_1980_GK_CM_117E', ESRI_GEOGCS.xian1980, 500000, 117), 2345],
    ['Xian_1980_GK_Zone_21', esriGaussKruger('Xian_1980_GK_Zone_21', ESRI_GEOGCS.xian1980, 21500000, 123), 2335],
    ['Beijing_1954_3_Degree_GK_CM_120E', esriGaussKruger('Beijing_1954_3_Degree_GK_CM_120E', ESRI_GEOGCS.beijing1954, 500000, 120), 2437],
    ['Beijing_1954_3_Degree_GK_Zone_40', esriGaussKruger('Beijing_1954_3_Degree_GK_Zone_40', ESRI_GEOGCS.beijing1954, 40500000, 120), 2416],
    ['Beijing_1954_Gauss_Kruger_CM_117E', esriGaussKruger('Beijing_1954_Gauss_Kruger_CM_117E', ESRI_GEOGCS.beijing1954, 500000, 117), 21460],
    ['Beijing_1954_GK_Zone_20', esriGaussKruger('Beijing_1954_GK_Zone_20', ESRI_GEOGCS.beijing1954, 20500000, 117), 21420],
    // ArcGIS's "Zone_20N" is the central-meridian variant: the false easting has no zone.
    ['Beijing_1954_GK_Zone_20N', esriGaussKruger('Beijing_1954_GK_Zone_20N', ESRI_GEOGCS.beijing1954, 500000, 117), 21460],
  ])('ESRI %s', (_name, wkt, code) => {
    expect(crsFromPrj(wkt)).toEqual(EPSG(code));
  });

  it('prefers the outermost AUTHORITY (4549), not the GEOGCS one (4490)', () => {
    expect(crsFromPrj(OGC_4549)).toEqual(EPSG(4549));
    // Any EPSG code, even one no name rule knows (South China Sea Lambert, gdalsrsinfo -o wkt1 EPSG:3415).
    expect(crsFromPrj(OGC_3415)).toEqual(EPSG(3415));
    // Without its own AUTHORITY, the projected CRS is not its GEOGCS (4324 here).
    expect(crsFromPrj(OGC_3415.replace(',AUTHORITY["EPSG","3415"]]', ']'))).toBeNull();
    // The authority wins over a name that says something else.
    expect(crsFromPrj(OGC_4549.replace('"CGCS2000 / 3-degree Gauss-Kruger CM 120E"', '"CGCS2000 / 3-degree Gauss-Kruger CM 117E"'))).toEqual(EPSG(4549));
  });

  it('reads OGC names without authorities, with a BOM and line breaks', () => {
    expect(crsFromPrj(stripAuthorities(OGC_4549))).toEqual(EPSG(4549));
    expect(crsFromPrj(`\uFEFF${ESRI_4549.replaceAll(',', ',\n    ')}\n`)).toEqual(EPSG(4549));
    expect(crsFromPrj(ESRI_4549.replaceAll('[', '(').replaceAll(']', ')'))).toEqual(EPSG(4549));
  });

  it('reads the ID of WKT 2', () => {
    expect(crsFromPrj(WKT2_4549)).toEqual(EPSG(4549));
    expect(crsFromPrj(WKT2_4549.replace(/,\s*ID\["EPSG",4549\]\]$/, ']'))).toEqual(EPSG(4549)); // by name
  });

  it('lets the false easting decide between the zone and central-meridian variants of a misnamed .prj', () => {
    // Named zone 40 but written with false easting 500000: that is CM 120E (4549), not zone 40 (4528).
    expect(crsFromPrj(esriGaussKruger('CGCS2000_3_Degree_GK_Zone_40', ESRI_GEOGCS.cgcs2000, 500000, 120))).toEqual(EPSG(4549));
    expect(crsFromPrj(esriGaussKruger('CGCS2000_3_Degree_GK_CM_120E', ESRI_GEOGCS.cgcs2000, 40500000, 120))).toEqual(EPSG(4528));
    // A custom false easting is no EPSG CRS at all.
    expect(crsFromPrj(esriGaussKruger('CGCS2000_3_Degree_GK_CM_120E', ESRI_GEOGCS.cgcs2000, 400000, 120))).toBeNull();
  });

  it('recognises a projection by its definition when the name says nothing', () => {
    expect(crsFromPrj(esriGaussKruger('Gauss_Kruger', ESRI_GEOGCS.cgcs2000, 500000, 114))).toEqual(EPSG(4547));
    expect(crsFromPrj(esriGaussKruger('county grid', ESRI_GEOGCS.cgcs2000, 38500000, 114, 'Transverse_Mercator'))).toEqual(EPSG(4526));
    expect(crsFromPrj(esriGaussKruger('county grid', ESRI_GEOGCS.xian1980, 500000, 105))).toEqual(EPSG(2380));
    expect(crsFromPrj(esriUtm(51, false).replace('WGS_1984_UTM_Zone_51N', 'utm'))).toEqual(EPSG(32651));
    // Same definition on an unknown datum: not guessed.
    expect(crsFromPrj(esriGaussKruger('grid', ESRI_GEOGCS.cgcs2000.replaceAll('China_Geodetic_Coordinate_System_2000', 'Local').replace('D_China_2000', 'D_Local'), 500000, 114))).toBeNull();
  });

  it.each([
    ['empty', ''],
    ['not WKT', 'hello world'],
    ['unbalanced', ESRI_4549.slice(0, -1)],
    ['trailing garbage', `${ESRI_4549}]`],
    ['Lambert', `PROJCS["Asia_Lambert_Conformal_Conic",${ESRI_GEOGCS.wgs84},PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",0.0],PARAMETER["Central_Meridian",105.0],UNIT["Meter",1.0]]`],
    ['New Beijing (not mapped)', 'GEOGCS["GCS_New_Beijing",DATUM["D_New_Beijing",SPHEROID["Krasovsky_1940",6378245.0,298.3]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'],
    ['a local CS', 'LOCAL_CS["site",LOCAL_DATUM["x",0],UNIT["Meter",1.0]]'],
  ])('unknown: %s → null', (_what, wkt) => {
    expect(crsFromPrj(wkt)).toBeNull();
  });

  // PostGIS's spatial_ref_sys, as an oracle independent of this code: every code of the Chinese
  // Gauss-Krüger ranges, WGS 84 UTM and the geographic CRSs, from its OGC WKT with the AUTHORITY
  // nodes removed, so the name (and for the 6-degree CM codes, the definition) must decide.
  const SRS_SQL = '/usr/share/postgresql/15/contrib/postgis-3.3/spatial_ref_sys.sql';
  const srsAvailable = existsSync(SRS_SQL);
  const srsMustFail = reportMissing('PostGIS spatial_ref_sys.sql', { available: srsAvailable, reason: `${SRS_SQL} not found (Debian postgresql-15-postgis-3)` });
  it.skipIf(!srsAvailable && !srsMustFail)('matches spatial_ref_sys for every code of the supported ranges', () => {
    if (!srsAvailable) throw new Error(`${SRS_SQL} not found`);
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const codes = [4326, 4490, 4610, 4214, 3857, ...range(4491, 4554), ...range(2327, 2390), ...range(2401, 2442), ...range(21413, 21423), ...range(21453, 21463), ...range(32601, 32660), ...range(32701, 32760)];
    const srtext = new Map<number, string>();
    for (const line of readFileSync(SRS_SQL, 'utf8').split('\n')) {
      const m = /^\((\d+), 'EPSG', \d+, '((?:[^']|'')*)'/.exec(line);
      if (m) srtext.set(Number(m[1]), m[2]!.replaceAll("''", "'"));
    }
    const wrong: string[] = [];
    for (const code of codes) {
      const wkt = srtext.get(code);
      if (!wkt) {
        wrong.push(`${code}: not in spatial_ref_sys`);
        continue;
      }
      const withAuthority = crsFromPrj(wkt);
      const byName = crsFromPrj(stripAuthorities(wkt));
      if (withAuthority?.kind !== 'epsg' || withAuthority.code !== code) wrong.push(`${code} with AUTHORITY: ${JSON.stringify(withAuthority)}`);
      if (byName?.kind !== 'epsg' || byName.code !== code) wrong.push(`${code} "${/"([^"]*)"/.exec(wkt)?.[1]}": ${JSON.stringify(byName)}`);
    }
    expect(codes.length).toBe(317);
    expect(wrong).toEqual([]);
  });

  // GDAL's own ESRI WKT (what ArcGIS and ogr2ogr write to .prj), for a sample of each range's ends.
  const gdalAvailable = (() => {
    try {
      execFileSync('gdalsrsinfo', ['--version'], { stdio: 'ignore' });
      execFileSync('ogr2ogr', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  const gdalMustFail = reportMissing('.prj files written by GDAL', { available: gdalAvailable, reason: 'gdalsrsinfo/ogr2ogr (Debian gdal-bin) not found' });
  const folder = mkdtempSync(join(tmpdir(), 'atlas-prj-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it.skipIf(!gdalAvailable && !gdalMustFail)('reads ESRI WKT from gdalsrsinfo for the ends of every range', async () => {
    if (!gdalAvailable) throw new Error('gdal-bin not installed');
    const codes = [4326, 4490, 4610, 4214, 3857, 4491, 4501, 4502, 4512, 4513, 4533, 4534, 4554, 2327, 2337, 2338, 2348, 2349, 2369, 2370, 2390, 2401, 2421, 2422, 2442, 21413, 21423, 21453, 21463, 32601, 32660, 32701, 32760];
    const found = await Promise.all(
      codes.map(async (code) => {
        const { stdout } = await run('gdalsrsinfo', ['--single-line', '-o', 'wkt_esri', `EPSG:${code}`]);
        expect(stdout).not.toContain('AUTHORITY'); // so the names are what is tested
        return [code, crsFromPrj(stdout)] as const;
      }),
    );
    for (const [code, crs] of found) expect({ code, crs }).toEqual({ code, crs: EPSG(code) });
  }, 60_000);

  it.skipIf(!gdalAvailable && !gdalMustFail)('reads the .prj that ogr2ogr writes beside a shapefile', async () => {
    if (!gdalAvailable) throw new Error('gdal-bin not installed');
    const input = join(folder, 'in.geojson');
    writeFileSync(input, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { n: 1 }, geometry: { type: 'Point', coordinates: [120.2, 30.3] } }] }));
    const codes = [4549, 4527, 4490, 4326, 32651, 2385, 2437, 3857];
    await Promise.all(codes.map((code) => run('ogr2ogr', ['-f', 'ESRI Shapefile', '-s_srs', 'EPSG:4326', '-t_srs', `EPSG:${code}`, join(folder, `out${code}.shp`), input])));
    for (const code of codes) {
      const prj = readFileSync(join(folder, `out${code}.prj`), 'utf8');
      expect({ code, prj: prj.slice(0, 12), crs: crsFromPrj(prj) }).toEqual({ code, prj: prj.slice(0, 12), crs: EPSG(code) });
    }
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// GCJ-02 / BD-09

/**
 * The published forward transforms, written out independently of gcoord: WGS 84 → GCJ-02 (the
 * Krasovsky-ellipsoid offset every Chinese consumer map applies) and GCJ-02 → BD-09 (Baidu's
 * further rotation). offsetToWgs84 must undo them.
 */
function wgs84ToGcj02([lon, lat]: [number, number]): [number, number] {
  const a = 6378245.0;
  const ee = 0.00669342162296594323;
  const x = lon - 105.0;
  const y = lat - 35.0;
  let dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  dLat += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  dLat += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  dLat += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  let dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  dLon += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  dLon += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  dLon += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  const radLat = (lat / 180.0) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - ee * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((a * (1 - ee)) / (magic * sqrtMagic)) * Math.PI);
  dLon = (dLon * 180.0) / ((a / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lon + dLon, lat + dLat];
}

function gcj02ToBd09([lon, lat]: [number, number]): [number, number] {
  const xPi = (Math.PI * 3000.0) / 180.0;
  const z = Math.sqrt(lon * lon + lat * lat) + 0.00002 * Math.sin(lat * xPi);
  const theta = Math.atan2(lat, lon) + 0.000003 * Math.cos(lon * xPi);
  return [z * Math.cos(theta) + 0.0065, z * Math.sin(theta) + 0.006];
}

/** Great-circle distance in metres. */
function metres(a: Position, b: Position): number {
  const rad = Math.PI / 180;
  const dLat = (b[1]! - a[1]!) * rad;
  const dLon = (b[0]! - a[0]!) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1]! * rad) * Math.cos(b[1]! * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const point = (g: Geometry): Position => (g as { coordinates: Position }).coordinates;

describe('offsetToWgs84', () => {
  /** Tiananmen (Beijing), a Ningbo county seat and a Gansu town, in WGS 84. */
  const PLACES: [number, number][] = [
    [116.391276, 39.906217],
    [121.43, 29.3],
    [104.17, 36.55],
  ];

  it('moves GCJ-02 (Amap) coordinates in Beijing back by about 500 m, to within 1 m of WGS 84', () => {
    const wgs: [number, number] = PLACES[0]!;
    const gcj = wgs84ToGcj02(wgs);
    // The offset the law requires is a few hundred metres, east and north here.
    expect(metres(gcj, wgs)).toBeGreaterThan(400);
    expect(metres(gcj, wgs)).toBeLessThan(700);
    expect(gcj[0]).toBeGreaterThan(wgs[0]);
    expect(gcj[1]).toBeGreaterThan(wgs[1]);
    const back = point(offsetToWgs84({ type: 'Point', coordinates: gcj }, { kind: 'gcj02' }));
    expect(metres(back, wgs)).toBeLessThan(1);
  });

  it('round-trips WGS 84 → GCJ-02 → WGS 84 and WGS 84 → BD-09 → WGS 84 within 1 m', () => {
    for (const wgs of PLACES) {
      const gcj = wgs84ToGcj02(wgs);
      const bd = gcj02ToBd09(gcj);
      expect(metres(bd, wgs)).toBeGreaterThan(700); // Baidu adds its own ~0.5 km on top of GCJ-02
      expect(metres(point(offsetToWgs84({ type: 'Point', coordinates: gcj }, { kind: 'gcj02' })), wgs)).toBeLessThan(1);
      expect(metres(point(offsetToWgs84({ type: 'Point', coordinates: bd }, { kind: 'bd09' })), wgs)).toBeLessThan(1);
    }
  });

  it('converts every position of every geometry type, keeps Z and never touches the input', () => {
    const g = (p: [number, number]) => wgs84ToGcj02(p);
    const ring = [g([121.4, 29.3]), g([121.5, 29.3]), g([121.5, 29.4]), g([121.4, 29.3])];
    const input = deepFreeze({
      type: 'GeometryCollection',
      geometries: [
        { type: 'Point', coordinates: [...g([116.39, 39.9]), 43.5] },
        { type: 'MultiPoint', coordinates: [g([104.1, 36.5]), g([104.2, 36.6])] },
        { type: 'LineString', coordinates: ring.slice(0, 3) },
        { type: 'MultiLineString', coordinates: [ring.slice(0, 2), ring.slice(1, 3)] },
        { type: 'Polygon', coordinates: [ring] },
        { type: 'MultiPolygon', coordinates: [[ring], [ring]] },
      ],
    } as Geometry);
    const before = structuredClone(input);
    const out = offsetToWgs84(input, { kind: 'gcj02' });
    expect(input).toEqual(before);
    expect(out).not.toBe(input);

    const collect = (value: unknown): Position[] =>
      Array.isArray(value) && typeof value[0] === 'number' ? [value as Position] : Array.isArray(value) ? value.flatMap(collect) : [];
    const positions = (geometry: Geometry): Position[] =>
      geometry.type === 'GeometryCollection' ? geometry.geometries.flatMap(positions) : collect(geometry.coordinates);
    const flatIn = positions(input);
    const flatOut = positions(out);
    expect(out.type).toBe('GeometryCollection');
    expect((out as { geometries: Geometry[] }).geometries.map((x) => x.type)).toEqual(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon']);
    expect(flatOut.length).toBe(flatIn.length);
    flatIn.forEach((p, i) => {
      const moved = flatOut[i]!;
      expect(metres(p, moved)).toBeGreaterThan(200); // every position was converted...
      expect(moved).toEqual(point(offsetToWgs84({ type: 'Point', coordinates: p }, { kind: 'gcj02' }))); // ...the same way
    });
    expect(point((out as { geometries: Geometry[] }).geometries[0]!)[2]).toBe(43.5);
    // Rings stay closed.
    const polygon = (out as { geometries: Geometry[] }).geometries[4] as { coordinates: Position[][] };
    expect(polygon.coordinates[0]![3]).toEqual(polygon.coordinates[0]![0]);
  });

  it('copies malformed geometry as it is, for the geometry check to refuse (it runs after)', () => {
    const junk = [
      { type: 'Polygon', coordinates: 5 },
      { type: 'LineString', coordinates: [[116.4, 'a'], null, [116.4, 39.9, 7]] },
      { type: 'Circle', coordinates: [116.4, 39.9] },
      { type: 'GeometryCollection' },
    ] as unknown as Geometry[];
    const out = junk.map((g) => offsetToWgs84(g, { kind: 'bd09' }));
    expect(out[0]).toEqual(junk[0]);
    const line = (out[1] as { coordinates: unknown[] }).coordinates;
    expect(line.slice(0, 2)).toEqual([[116.4, 'a'], null]);
    expect((line[2] as number[])[2]).toBe(7);
    expect((line[2] as number[])[0]).not.toBe(116.4);
    expect(out[2]).toEqual(junk[2]);
    expect(out[3]).toEqual(junk[3]);
  });

  it('returns EPSG sources unchanged (the same object), and positions outside China as they are', () => {
    const g: Geometry = { type: 'Point', coordinates: [120.1, 30.2] };
    expect(offsetToWgs84(g, EPSG(4326))).toBe(g);
    expect(offsetToWgs84(g, EPSG(4549))).toBe(g);
    // gcoord applies no offset outside China, as the consumer maps do not.
    expect(point(offsetToWgs84({ type: 'Point', coordinates: [2.35, 48.85] }, { kind: 'gcj02' }))).toEqual([2.35, 48.85]);
  });
});
