/**
 * Key places of the demo county, and the class C grids carved around some of them.
 *
 * Places cluster where they are in real counties: markets, hubs and malls in the town centres,
 * hazardous-goods sites and construction sites on the urban fringe, scenic spots deep in the
 * countryside. Names are built from the name of the township or village the place falls in.
 */
import type { Point, Polygon, Position } from 'geojson';
import type { KeyPlaceType, RiskLevel } from '../../geo/layers.js';
import type { KeyPlaceInfo, TownshipInfo, VillageInfo } from './generate-regions.js';
import { FIRM_WORDS, NameBook, SCENIC_WORDS, shortName } from './names.js';
import { type Partition, type XY, pointInRing, polylineIsClear, refPolyline } from './planar-partition.js';
import type { PolygonLocator } from './point-locator.js';
import { ringToLonLat, toLonLat } from './projection.js';
import type { Rng } from './random.js';
import type { PatrolSchedule } from './types.js';

export interface PlacementContext {
  partition: Partition;
  townships: TownshipInfo[];
  villages: VillageInfo[];
  cityCentre: XY;
  citySigma: number;
  urban: boolean[];
  insideCells: number[];
  cellLocator: PolygonLocator<number>;
  cellVillage: Map<number, number>;
}

type Anchor = 'city' | 'town' | 'village' | 'rural' | 'fringe';

interface TypePlan {
  readonly count: number;
  readonly anchors: readonly (readonly [Anchor, number])[];
  readonly risk: readonly (readonly [RiskLevel, number])[];
}

/** Key places per type at scale 1 (300 in all) and where they cluster. */
const KEY_PLACE_PLAN: Readonly<Record<KeyPlaceType, TypePlan>> = {
  school: { count: 36, anchors: [['city', 0.3], ['town', 0.4], ['village', 0.3]], risk: [['low', 0.3], ['medium', 0.6], ['high', 0.1]] },
  hospital: { count: 10, anchors: [['city', 0.35], ['town', 0.65]], risk: [['low', 0.2], ['medium', 0.6], ['high', 0.2]] },
  mall: { count: 10, anchors: [['city', 0.75], ['town', 0.25]], risk: [['low', 0.1], ['medium', 0.6], ['high', 0.3]] },
  market: { count: 20, anchors: [['city', 0.3], ['town', 0.55], ['village', 0.15]], risk: [['low', 0.2], ['medium', 0.6], ['high', 0.2]] },
  transport_hub: { count: 8, anchors: [['city', 0.5], ['town', 0.5]], risk: [['medium', 0.5], ['high', 0.5]] },
  hazardous_goods: { count: 24, anchors: [['fringe', 0.5], ['rural', 0.5]], risk: [['medium', 0.3], ['high', 0.7]] },
  construction_site: { count: 30, anchors: [['fringe', 0.6], ['town', 0.2], ['rural', 0.2]], risk: [['low', 0.1], ['medium', 0.5], ['high', 0.4]] },
  scenic_spot: { count: 12, anchors: [['rural', 1]], risk: [['low', 0.5], ['medium', 0.4], ['high', 0.1]] },
  rental_housing: { count: 80, anchors: [['fringe', 0.45], ['city', 0.25], ['town', 0.3]], risk: [['low', 0.2], ['medium', 0.5], ['high', 0.3]] },
  government: { count: 50, anchors: [['village', 1]], risk: [['low', 0.8], ['medium', 0.2]] },
  religious_site: { count: 20, anchors: [['rural', 0.6], ['village', 0.4]], risk: [['low', 0.6], ['medium', 0.4]] },
};

const RELIGIOUS_WORDS = ['普济', '福庆', '灵山', '崇福', '广济', '云岩', '慈云', '法华', '积善', '永宁', '清凉', '报恩'];

export function placeKeyPlaces(rng: Rng, regionScale: number, ctx: PlacementContext): KeyPlaceInfo[] {
  const names = new NameBook(rng.fork('names'));
  const places: KeyPlaceInfo[] = [];
  const ruralCells = ctx.insideCells.filter((c) => !ctx.urban[c]);
  const cityTownships = ctx.townships.filter((t) => t.kind === 'street');
  const ordinals = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
  const cityHospitals = ['示范县人民医院', '示范县中医院', '示范县妇幼保健院', '示范县第二人民医院', '示范县第三人民医院'];
  const cityHubs = ['示范县汽车客运中心', '示范火车站', '示范县公交总站', '示范县城北客运站', '示范县城南公交枢纽'];
  let cityHospital = 0;
  let cityHub = 0;
  let middleSchool = 0;

  /** Where a position falls: the cell, its village and township (null outside the county). */
  const where = (x: number, y: number): { village: VillageInfo; township: TownshipInfo } | null => {
    const cell = ctx.cellLocator.locate(x, y);
    if (cell === null) return null;
    const village = ctx.villages[ctx.cellVillage.get(cell)!]!;
    return { village, township: ctx.townships[village.township]! };
  };

  const nameFor = (type: KeyPlaceType, anchor: Anchor, v: VillageInfo, t: TownshipInfo): string => {
    const T = shortName(t.name);
    const V = shortName(v.name);
    const firm = (): string => rng.pick(FIRM_WORDS);
    switch (type) {
      case 'school':
        if (anchor === 'city' && middleSchool < ordinals.length && rng.chance(0.5)) {
          const name = `示范县第${ordinals[middleSchool++]}中学`;
          names.claim(name);
          return name;
        }
        if (anchor === 'village') return names.custom(() => `${V}${rng.pick(['小学', '幼儿园'])}`);
        return names.custom(() => `${T}${rng.pick(['中学', '中心小学', '实验小学', '中心幼儿园', '初级中学'])}`);
      case 'hospital':
        if (anchor === 'city' && cityHospital < cityHospitals.length) return cityHospitals[cityHospital++]!;
        return names.custom(() => (t.kind === 'street'
          ? rng.pick([`${t.name}社区卫生服务中心`, `${V}社区卫生服务站`])
          : rng.pick([`${t.name}卫生院`, `${t.name}中心卫生院`, `${V}卫生室`])));
      case 'mall':
        return names.custom(() => rng.pick([`${firm()}购物中心`, `${T}商厦`, `${firm()}百货`, `${V}商业广场`]));
      case 'market':
        return names.custom(() => rng.pick([`${T}农贸市场`, `${V}菜市场`, `${T}综合市场`]));
      case 'transport_hub':
        if (anchor === 'city' && cityHub < cityHubs.length) return cityHubs[cityHub++]!;
        return names.custom(() => rng.pick([`${T}客运站`, `${T}公交首末站`]));
      case 'hazardous_goods':
        return names.custom(() => rng.pick([`${V}加油站`, `${firm()}化工有限公司`, `${T}液化气供应站`, `${firm()}危险品仓库`]));
      case 'construction_site':
        return names.custom(() => rng.pick([`${V}安置小区建设工地`, `${firm()}厂房建设工地`, `${T}道路改造工程`, `${V}大桥改建工程`]));
      case 'scenic_spot':
        return names.custom(() => rng.pick([`${rng.pick(SCENIC_WORDS)}景区`, `${V}古村落`, `${T}湿地公园`, `${rng.pick(SCENIC_WORDS)}森林公园`]));
      case 'rental_housing':
        return names.custom(() => rng.pick([`${V}出租房集中区`, `${firm()}员工宿舍区`]));
      case 'government':
        return names.custom(() => (v.kind === 'community' ? `${v.name}党群服务中心` : `${v.name}便民服务中心`));
      case 'religious_site':
        return names.custom(() => rng.pick([`${rng.pick(RELIGIOUS_WORDS)}寺`, `${V}基督教堂`, `${V}关帝庙`, `${rng.pick(RELIGIOUS_WORDS)}庵`]));
    }
  };

  const add = (type: KeyPlaceType, x: number, y: number, name: string): void => {
    places.push({
      index: places.length, name, type, risk: rng.pickWeighted(KEY_PLACE_PLAN[type].risk), x, y,
      footprint: null, schedule: null, cGrid: null,
    });
  };

  // Government seats first: the county and every township at its seat.
  add('government', ctx.cityCentre[0] + rng.normal(0, 0.2), ctx.cityCentre[1] + rng.normal(0, 0.2), '示范县人民政府');
  for (const t of ctx.townships) {
    const name = t.kind === 'street' ? `${t.name}办事处` : `${t.name}人民政府`;
    names.claim(name);
    add('government', t.centre[0] + rng.normal(0, 0.1), t.centre[1] + rng.normal(0, 0.1), name);
  }

  for (const type of Object.keys(KEY_PLACE_PLAN) as KeyPlaceType[]) {
    const plan = KEY_PLACE_PLAN[type];
    const target = Math.round(plan.count * regionScale);
    let made = places.filter((p) => p.type === type).length;
    for (let attempt = 0; made < target && attempt < target * 50; attempt++) {
      const anchor = rng.pickWeighted(plan.anchors);
      let x: number;
      let y: number;
      if (anchor === 'city') {
        const street = cityTownships.length > 0 && rng.chance(0.4) ? rng.pick(cityTownships) : null;
        const c = street ? street.centre : ctx.cityCentre;
        x = rng.normal(c[0], ctx.citySigma * 0.5);
        y = rng.normal(c[1], ctx.citySigma * 0.5);
      } else if (anchor === 'town') {
        const t = rng.pick(ctx.townships);
        const sigma = t.kind === 'street' ? 0.6 : t.kind === 'town' ? 0.45 : 0.3;
        x = rng.normal(t.centre[0], sigma);
        y = rng.normal(t.centre[1], sigma);
      } else if (anchor === 'village') {
        const v = type === 'government' ? ctx.villages[(made - ctx.townships.length - 1) % ctx.villages.length]! : rng.pick(ctx.villages);
        x = rng.normal(v.seat[0], 0.15);
        y = rng.normal(v.seat[1], 0.15);
      } else if (anchor === 'rural') {
        const s = ctx.partition.cells[rng.pick(ruralCells)]!.site;
        x = rng.normal(s[0], 0.5);
        y = rng.normal(s[1], 0.5);
      } else {
        // Fringe: a ring just outside a built-up centre (industrial parks, resettlement sites).
        const useCity = rng.chance(0.5);
        const t = rng.pick(ctx.townships);
        const c = useCity ? ctx.cityCentre : t.centre;
        const d = useCity ? ctx.citySigma * rng.uniform(1.3, 2.2) : rng.uniform(1.0, 2.0);
        const a = rng.uniform(0, 2 * Math.PI);
        x = c[0] + d * Math.cos(a);
        y = c[1] + d * Math.sin(a);
      }
      const w = where(x, y);
      if (!w) continue;
      add(type, x, y, nameFor(type, anchor, w.village, w.township));
      made++;
    }
  }
  return places;
}

/** Size (m) of a class C grid's rectangle by place type, and the place's own patrol schedule. */
const C_GRID_SPEC: Partial<Record<KeyPlaceType, { w: number; h: number; schedule: PatrolSchedule }>> = {
  hospital: { w: 260, h: 200, schedule: { days: [1, 2, 3, 4, 5, 6, 7], from: '07:00', to: '22:00' } },
  mall: { w: 200, h: 140, schedule: { days: [1, 2, 3, 4, 5, 6, 7], from: '09:00', to: '22:00' } },
  transport_hub: { w: 280, h: 180, schedule: { days: [1, 2, 3, 4, 5, 6, 7], from: '06:00', to: '21:00' } },
  school: { w: 240, h: 170, schedule: { days: [1, 2, 3, 4, 5], from: '07:00', to: '17:30' } },
  market: { w: 150, h: 110, schedule: { days: [1, 2, 3, 4, 5, 6, 7], from: '05:30', to: '13:00' } },
  scenic_spot: { w: 900, h: 600, schedule: { days: [5, 6, 7], from: '08:00', to: '17:30' } },
};

export interface CRect {
  keyPlace: number;
  /** Closed counter-clockwise ring in degrees: the C grid, and reversed the hole in its host grid. */
  lonLat: Position[];
}

/**
 * Carves class C grids: for eligible places (county hospitals, malls, hubs, middle schools, city
 * markets, the main scenic spots) a rotated rectangle strictly inside the place's cell, keeping 15 m
 * clear of the cell's boundary so the hole never touches it. One C grid per cell at most.
 */
export function carveClassC(rng: Rng, part: Partition, places: KeyPlaceInfo[], cellLocator: PolygonLocator<number>): Map<number, CRect> {
  const rects = new Map<number, CRect>();
  const eligible = (p: KeyPlaceInfo): boolean => {
    if (!C_GRID_SPEC[p.type]) return false;
    if (p.type === 'school') return /中学/u.test(p.name);
    if (p.type === 'market') return rng.chance(0.4);
    if (p.type === 'scenic_spot') return rng.chance(0.5);
    if (p.type === 'hospital') return /医院|卫生院/u.test(p.name);
    return true;
  };
  for (const p of places) {
    if (!eligible(p)) continue;
    const spec = C_GRID_SPEC[p.type]!;
    const cell = cellLocator.locate(p.x, p.y);
    if (cell === null || rects.has(cell)) continue;
    // Pull the place towards its cell's site, which is well inside the cell.
    const site = part.cells[cell]!.site;
    const cx = p.x + 0.6 * (site[0] - p.x);
    const cy = p.y + 0.6 * (site[1] - p.y);
    const ring: XY[] = [];
    for (const ref of part.cells[cell]!.refs) {
      const line = refPolyline(part, ref);
      for (let i = 0; i + 2 < line.length; i += 2) ring.push([line[i]!, line[i + 1]!]);
    }
    const boundary = [...ring.flat(), ring[0]![0], ring[0]![1]];
    const angle = rng.uniform(0, Math.PI / 2);
    for (let shrink = 1; shrink > 0.4; shrink *= 0.75) {
      const rect = rectangle(cx, cy, (spec.w / 1000) * shrink, (spec.h / 1000) * shrink, angle);
      if (!rect.every(([x, y]) => pointInRing(x, y, ring))) continue;
      const closed = [...rect.flat(), rect[0]![0], rect[0]![1]];
      if (!polylineIsClear(closed, [boundary], 0.015)) continue;
      const lonLat = ringToLonLat(rect);
      rects.set(cell, { keyPlace: p.index, lonLat });
      p.x = cx;
      p.y = cy;
      p.footprint = rectangle(cx, cy, (spec.w / 1000) * shrink * 0.6, (spec.h / 1000) * shrink * 0.6, angle);
      p.schedule = spec.schedule;
      break;
    }
  }
  return rects;
}

/** Counter-clockwise rectangle centred on (cx, cy), w × h km, rotated by `angle` radians. */
function rectangle(cx: number, cy: number, w: number, h: number, angle: number): XY[] {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return ([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]] as const).map(
    ([dx, dy]) => [cx + dx * c - dy * s, cy + dx * s + dy * c] as const,
  );
}

/** A key place's stored geometry: its footprint polygon when it has one, else its point. */
export function keyPlaceGeometry(p: KeyPlaceInfo): Point | Polygon {
  if (p.footprint) return { type: 'Polygon', coordinates: [ringToLonLat(p.footprint)] };
  return { type: 'Point', coordinates: toLonLat(p.x, p.y) };
}
