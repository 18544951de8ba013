/**
 * Incidents, their three-level flow, mediations of disputes, and the three-nos assessments.
 *
 * Incidents cluster where they happen in life: around markets, transport hubs and malls, in town
 * centres, and (as a background) where people live, weighted by households. Times follow a daily
 * rhythm (quiet at night, peaks late morning and evening) and a weekly one (public order and traffic
 * rise on days off, livelihood requests and petitions fall), on the real holiday calendar.
 *
 * The serious events that veto a village's three-nos year (a mass incident of 10+ people, a major
 * criminal case or accident) are not left to chance: a few are injected on purpose, and only they
 * meet the veto rule, so the current year's assessments and the incidents agree.
 */
import {
  INCIDENT_CATEGORIES, type FlowLevel, type IncidentCategory, type IncidentLevel, type IncidentSource,
  type IncidentStatus, type KeyPlaceType, type MediationOutcome, type MediatorKind, type WarningColour,
} from '../../geo/layers.js';
import { deadlineAfterStep } from '../../geo/flow-deadline.js';
import { DAY_MS, type WorkCalendar, localDate, localToUtcMs } from './calendar.js';
import { COUNTY_CODE, COUNTY_NAME, type World } from './generate-regions.js';
import type { Located, Sampler } from './generate-points.js';
import { shortName } from './names.js';
import { type Rng, WeightedSampler } from './random.js';
import type {
  DemoAddressPoint, DemoFlowStep, DemoIncident, DemoMediation, DemoThreeNosAssessment, FlowAction,
} from './types.js';

type Context = KeyPlaceType | 'centre' | 'urban_home' | 'rural_home';
type Mix = readonly (readonly [string, number])[];

/** Subcategory mix by where the incident happens (codes from 0002_reference_data.sql). */
const MIX: Readonly<Record<Context, Mix>> = {
  market: [['dispute.consumer', 22], ['public_order.theft', 14], ['public_order.fight', 6], ['traffic.parking', 10],
    ['environment.waste', 10], ['safety_hazard.gas', 5], ['safety_hazard.electric', 4], ['fire.residential', 2],
    ['livelihood.road', 5], ['criminal_case.theft', 4], ['criminal_case.fraud', 3], ['dispute.neighbour', 5]],
  transport_hub: [['public_order.theft', 18], ['public_order.fight', 8], ['traffic.collision', 10], ['traffic.parking', 16],
    ['dispute.consumer', 10], ['criminal_case.theft', 5], ['criminal_case.fraud', 5], ['livelihood.road', 8],
    ['environment.waste', 5], ['safety_hazard.building', 3]],
  mall: [['dispute.consumer', 25], ['public_order.theft', 15], ['public_order.fight', 5], ['safety_hazard.electric', 6],
    ['fire.residential', 3], ['traffic.parking', 12], ['criminal_case.fraud', 5], ['dispute.property', 6], ['livelihood.road', 3]],
  school: [['traffic.collision', 12], ['traffic.parking', 18], ['safety_hazard.building', 10], ['dispute.neighbour', 8],
    ['public_order.fight', 8], ['livelihood.road', 12], ['environment.waste', 5], ['dispute.family', 5], ['criminal_case.fraud', 3]],
  hospital: [['dispute.consumer', 20], ['public_order.fight', 10], ['public_order.theft', 10], ['traffic.parking', 20],
    ['livelihood.welfare', 12], ['safety_hazard.electric', 5], ['criminal_case.fraud', 4]],
  construction_site: [['work_safety.construction', 30], ['dispute.labour', 28], ['environment.pollution', 14],
    ['traffic.collision', 6], ['safety_hazard.building', 8], ['livelihood.road', 6], ['petition.visit', 4]],
  hazardous_goods: [['work_safety.factory', 28], ['safety_hazard.gas', 20], ['fire.residential', 6], ['fire.field', 4],
    ['environment.pollution', 22], ['dispute.labour', 8], ['traffic.collision', 4]],
  rental_housing: [['public_order.theft', 14], ['public_order.gambling', 6], ['safety_hazard.gas', 12],
    ['safety_hazard.electric', 14], ['fire.residential', 6], ['dispute.neighbour', 10], ['dispute.property', 8],
    ['dispute.labour', 6], ['livelihood.water', 6], ['criminal_case.theft', 4], ['criminal_case.fraud', 4], ['environment.waste', 6]],
  scenic_spot: [['traffic.collision', 12], ['traffic.parking', 14], ['public_order.theft', 8], ['environment.waste', 16],
    ['dispute.consumer', 14], ['fire.field', 10], ['livelihood.road', 10], ['safety_hazard.building', 6]],
  government: [['petition.visit', 30], ['petition.letter', 20], ['dispute.land', 12], ['dispute.labour', 10],
    ['livelihood.welfare', 15], ['livelihood.road', 8]],
  religious_site: [['public_order.theft', 12], ['safety_hazard.electric', 15], ['fire.residential', 10], ['fire.field', 8],
    ['environment.waste', 15], ['traffic.parking', 15], ['dispute.neighbour', 10]],
  centre: [['traffic.parking', 14], ['traffic.collision', 8], ['livelihood.road', 10], ['livelihood.water', 5],
    ['dispute.property', 8], ['dispute.neighbour', 8], ['dispute.consumer', 6], ['public_order.theft', 8],
    ['public_order.fight', 5], ['environment.waste', 8], ['environment.pollution', 4], ['safety_hazard.building', 4],
    ['safety_hazard.gas', 3], ['petition.visit', 2], ['criminal_case.fraud', 3], ['criminal_case.theft', 2]],
  urban_home: [['dispute.neighbour', 14], ['dispute.family', 10], ['dispute.property', 10], ['livelihood.water', 8],
    ['livelihood.road', 7], ['livelihood.welfare', 8], ['safety_hazard.gas', 7], ['safety_hazard.electric', 6],
    ['safety_hazard.building', 4], ['environment.waste', 8], ['public_order.theft', 5], ['fire.residential', 3],
    ['traffic.parking', 4], ['petition.letter', 2], ['criminal_case.fraud', 3]],
  rural_home: [['dispute.land', 16], ['dispute.neighbour', 14], ['dispute.family', 10], ['livelihood.water', 8],
    ['livelihood.road', 10], ['livelihood.welfare', 7], ['environment.waste', 9], ['environment.pollution', 4],
    ['safety_hazard.building', 6], ['safety_hazard.electric', 3], ['fire.field', 5], ['fire.residential', 2],
    ['traffic.collision', 3], ['petition.letter', 2], ['public_order.gambling', 2], ['criminal_case.theft', 1]],
};

/** How strongly each key place type attracts incidents, and how tightly they cluster (km). */
const INCIDENT_PULL: Readonly<Record<KeyPlaceType, readonly [number, number]>> = {
  market: [8, 0.08], transport_hub: [8, 0.1], mall: [5, 0.07], rental_housing: [3, 0.12], school: [1.5, 0.1],
  hospital: [3, 0.08], construction_site: [2, 0.1], hazardous_goods: [1, 0.1], scenic_spot: [2, 0.3],
  government: [2, 0.1], religious_site: [0.3, 0.1],
};

/** Generic summaries (never names or numbers): the privacy rule allows no personal data here. */
const SUMMARIES: Readonly<Record<string, readonly string[]>> = {
  'dispute.neighbour': ['邻里因琐事发生口角', '相邻房屋漏水引发纠纷', '邻里因通道使用产生矛盾'],
  'dispute.family': ['家庭成员因赡养问题发生矛盾', '婚姻家庭纠纷需调解'],
  'dispute.land': ['宅基地边界存在争议', '山林权属引发纠纷', '土地流转合同履行纠纷'],
  'dispute.labour': ['工资结算引发劳资纠纷', '务工人员反映欠薪问题'],
  'dispute.property': ['业主与物业因收费发生纠纷', '小区停车管理引发矛盾'],
  'dispute.consumer': ['商品质量引发消费纠纷', '商户与顾客发生价格争议'],
  'safety_hazard.building': ['房屋外墙存在脱落隐患', '危旧房屋需排查'],
  'safety_hazard.gas': ['沿街店铺燃气使用不规范', '液化气瓶存放存在隐患'],
  'safety_hazard.electric': ['电动车楼道充电', '私拉乱接电线存在隐患'],
  'public_order.theft': ['电动车电瓶被盗', '店铺财物被盗'],
  'public_order.fight': ['酒后发生肢体冲突', '因琐事发生推搡'],
  'public_order.gambling': ['群众反映有聚众赌博现象'],
  'fire.residential': ['居民家中厨房起火', '出租房电器起火'],
  'fire.field': ['田间焚烧秸秆引发火情', '山林边缘发生小面积火情'],
  'traffic.collision': ['两车发生轻微碰擦', '电动自行车与汽车发生碰撞'],
  'traffic.parking': ['车辆违停占用消防通道', '路边乱停放影响通行'],
  'work_safety.factory': ['企业车间安全防护不到位', '仓储物品堆放不规范'],
  'work_safety.construction': ['施工现场未按规定设置防护', '脚手架存在安全隐患'],
  'environment.waste': ['生活垃圾乱堆放', '建筑垃圾随意倾倒'],
  'environment.pollution': ['群众反映异味扰民', '河道水体发黑'],
  'livelihood.water': ['片区自来水水压不足', '供水管道破损漏水'],
  'livelihood.road': ['路灯损坏影响夜间出行', '村道路面破损'],
  'livelihood.welfare': ['困难家庭申请临时救助', '老人反映养老服务需求'],
  'petition.visit': ['群众来访反映征地补偿问题', '来访反映历史遗留问题'],
  'petition.letter': ['来信反映环境问题', '来信反映村务公开问题'],
  'criminal_case.theft': ['入室盗窃案件', '车内财物被盗'],
  'criminal_case.fraud': ['电信网络诈骗案件', '冒充客服诈骗案件'],
  'criminal_case.violent': ['故意伤害案件'],
};

const HOURLY = [0.8, 0.5, 0.35, 0.3, 0.35, 0.6, 1.2, 2.2, 3.5, 4.6, 5.4, 5.3, 3.8, 3.4, 4.0, 4.3, 4.4, 4.6, 5.0, 5.4, 4.8, 3.6, 2.4, 1.4];

/** Hour-of-day profile per category (local time). */
function hourlyProfile(category: IncidentCategory): number[] {
  return HOURLY.map((w, h) => {
    if (category === 'public_order' || category === 'criminal_case') return w * (h >= 19 || h <= 2 ? 1.7 : 1);
    if (category === 'livelihood' || category === 'petition') return w * (h >= 8 && h <= 17 ? 1.5 : 0.5);
    if (category === 'traffic') return w * (h === 7 || h === 8 || h === 17 || h === 18 ? 1.5 : 1);
    return w;
  });
}

/** Day-of-week (days off vs working days) factor per category; the maximum is 1.35. */
function dayOffFactor(category: IncidentCategory, subcategory: string | null): number {
  if (category === 'public_order' || category === 'traffic' || category === 'criminal_case') return 1.35;
  if (category === 'livelihood' || category === 'petition') return 0.45;
  if (category === 'work_safety' || subcategory === 'dispute.labour') return 0.6;
  return 1;
}

const GRID_RESOLVED_SHARE: Readonly<Record<IncidentCategory, number>> = {
  livelihood: 0.55, dispute: 0.62, safety_hazard: 0.6, environment: 0.6, public_order: 0.55, traffic: 0.7,
  fire: 0.5, work_safety: 0.45, petition: 0.25, criminal_case: 0.1,
};

/** Categories whose major-level events count as serious accidents or cases (they veto a three-nos year). */
const VETO_CATEGORIES: ReadonlySet<IncidentCategory> = new Set(['criminal_case', 'traffic', 'work_safety', 'fire']);
/** Categories whose major items are "major instability issues" that carry a three-colour warning. */
const INSTABILITY_CATEGORIES: ReadonlySet<IncidentCategory> = new Set(['dispute', 'petition', 'public_order']);

/**
 * Ordinary events that would break a three-nos criterion by themselves or with another like them
 * (geo/three-nos.ts THREE_NOS_SIGNALS: criminal cases, petitions, gambling), and what such an event
 * becomes in the rare year with no failed village to move it to.
 */
const THREE_NOS_SENSITIVE = (subcategory: string): boolean =>
  subcategory.startsWith('criminal_case') || subcategory.startsWith('petition') || subcategory === 'public_order.gambling';
const NOT_SENSITIVE: Readonly<Record<string, string>> = {
  criminal_case: 'public_order.theft', petition: 'livelihood.welfare', public_order: 'public_order.fight',
};

/** The veto rule of the three-nos assessment, as the demo applies it. */
export function isVetoEvent(i: Pick<DemoIncident, 'category' | 'level' | 'people_involved'>): boolean {
  return i.people_involved >= 10 || (i.level !== 'general' && VETO_CATEGORIES.has(i.category));
}

interface Draft {
  category: IncidentCategory;
  subcategory: string;
  level: IncidentLevel;
  people: number;
  occurred: number;
  at: Located;
  injected: string | null;
}

export interface IncidentResult {
  incidents: DemoIncident[];
  flowSteps: DemoFlowStep[];
  mediations: DemoMediation[];
  threeNos: DemoThreeNosAssessment[];
}

export function generateIncidents(
  root: Rng,
  world: World,
  sampler: Sampler,
  addressPoints: readonly DemoAddressPoint[],
  counts: { incidents: number; mediations: number },
  now: Date,
  calendar: WorkCalendar,
): IncidentResult {
  const rng = root.fork('incidents');
  const nowMs = now.getTime();
  const startMs = nowMs - 365 * DAY_MS;
  const today = localDate(nowMs);
  const { grids, villages, townships, keyPlaces } = world;

  // --- Where: hotspots, centres, homes -------------------------------------------------------
  const placeSampler = new WeightedSampler(keyPlaces.map((k) => INCIDENT_PULL[k.type][0]));
  const centres = [
    { x: world.cityCentre[0], y: world.cityCentre[1], sigma: world.citySigmaKm * 0.6, w: 8 },
    ...townships.map((t) => ({
      x: t.centre[0], y: t.centre[1],
      sigma: t.kind === 'street' ? 0.6 : t.kind === 'town' ? 0.5 : 0.35,
      w: t.kind === 'street' ? 2 : t.kind === 'town' ? 3 : 0.8,
    })),
  ];
  const centreSampler = new WeightedSampler(centres.map((c) => c.w));
  const homes = addressPoints.filter((a) => a.households > 0);
  const homeSampler = homes.length > 0 ? new WeightedSampler(homes.map((a) => a.households)) : null;
  const gridByCode = new Map(grids.map((g) => [g.code, g]));

  const drawPlace = (): { at: Located; context: Context } => {
    for (;;) {
      const r = rng.next();
      if (r < 0.3) {
        const kp = keyPlaces[placeSampler.sample(rng)]!;
        const at = sampler.near(rng, kp.x, kp.y, INCIDENT_PULL[kp.type][1]);
        if (at) return { at, context: kp.type };
      } else if (r < 0.6 || !homeSampler) {
        const c = centres[centreSampler.sample(rng)]!;
        const at = sampler.near(rng, c.x, c.y, c.sigma);
        if (at) return { at, context: 'centre' };
      } else {
        const home = homes[homeSampler.sample(rng)]!;
        const at = sampler.locate(home.lon + rng.normal(0, 0.0002), home.lat + rng.normal(0, 0.0002));
        if (at) return { at, context: gridByCode.get(home.grid_code)!.gridClass === 'A' ? 'urban_home' : 'rural_home' };
      }
    }
  };

  const hourSamplers = new Map<IncidentCategory, WeightedSampler>();
  const drawTime = (category: IncidentCategory, subcategory: string | null, from: number): number => {
    let hourSampler = hourSamplers.get(category);
    if (!hourSampler) {
      hourSampler = new WeightedSampler(hourlyProfile(category));
      hourSamplers.set(category, hourSampler);
    }
    const days = Math.max(1, Math.ceil((nowMs - from) / DAY_MS));
    for (let attempt = 0; attempt < 1000; attempt++) {
      const date = localDate(from + rng.int(0, days) * DAY_MS);
      const factor = calendar.isWorkday(date) ? 1 : dayOffFactor(category, subcategory);
      if (!rng.chance(factor / 1.35)) continue;
      const t = localToUtcMs(date, hourSampler.sample(rng), rng.int(0, 59), rng.int(0, 59));
      if (t >= from && t < nowMs - 60_000) return t;
    }
    return nowMs - 3600_000;
  };

  // --- Injected serious events (three-nos vetoes) ----------------------------------------------------
  const drafts: Draft[] = [];
  const yearStart = localToUtcMs(`${today.slice(0, 4)}-01-01`);
  const vetoFrom = Math.max(startMs, yearStart);
  const nInjected = Math.min(counts.incidents, Math.max(3, Math.round(0.05 * villages.length)));
  const kinds: readonly (readonly [string, string, number, number, string])[] = [
    ['dispute', 'dispute.labour', 12, 45, '发生10人以上群体性事件'],
    ['petition', 'petition.visit', 10, 30, '发生10人以上群体性事件'],
    ['criminal_case', 'criminal_case.violent', 2, 4, '发生重大刑事案件'],
    ['dispute', 'dispute.land', 15, 30, '发生10人以上群体性事件'],
    ['traffic', 'traffic.collision', 3, 8, '发生较大道路交通事故'],
    ['work_safety', 'work_safety.factory', 2, 6, '发生较大生产安全事故'],
    ['fire', 'fire.residential', 2, 6, '发生较大火灾事故'],
  ];
  const injectedVillages = rng.shuffled(villages.map((v) => v.index)).slice(0, nInjected);
  injectedVillages.forEach((vi, k) => {
    const [category, subcategory, minPeople, maxPeople, reason] = kinds[k % kinds.length]!;
    const villageGrids = grids.filter((g) => g.village === vi && g.gridClass !== 'C');
    const at = sampler.inGrid(rng, rng.pick(villageGrids).index);
    drafts.push({
      category: category as IncidentCategory, subcategory, level: k === 0 ? 'especially_major' : 'major',
      people: rng.int(minPeople, maxPeople), occurred: drawTime(category as IncidentCategory, subcategory, vetoFrom),
      at, injected: reason,
    });
  });

  // --- Three-nos: decided before the ordinary stream, which must agree with it --------------------
  // The current year's vetoes are the injected serious events; past years are drawn on the targets.
  const vetoes = new Map<string, string>(); // village code → reason, for the current year
  for (const d of drafts) if (d.injected && d.occurred >= yearStart) vetoes.set(villages[grids[d.at.grid]!.village]!.code, d.injected);
  const threeNos = generateThreeNos(rng.fork('three-nos'), world, vetoes, today);
  // A village that is a three-nos village in a year (achieved, or in progress with nothing broken)
  // has no criminal case, petition or gambling case that year (geo/three-nos.ts would break a
  // criterion). Such events drawn there move to a village that failed that year, placed with a
  // stream of their own, so the rest of the demo stays as it was.
  const moveRng = rng.fork('three-nos-moves');
  const villageIndex = new Map(villages.map((v) => [v.code, v.index]));
  const cleanVillageYears = new Set(threeNos.filter((a) => a.status !== 'failed').map((a) => `${a.village_code}:${a.year}`));
  const failedVillages = new Map<number, number[]>(); // year → village indexes
  for (const a of threeNos) {
    if (a.status === 'failed') failedVillages.set(a.year, [...(failedVillages.get(a.year) ?? []), villageIndex.get(a.village_code)!]);
  }
  const ordinaryGrids = (vi: number) => grids.filter((g) => g.village === vi && g.gridClass !== 'C');
  const keepThreeNos = (subcategory: string, occurred: number, at: Located): { subcategory: string; at: Located } => {
    if (!THREE_NOS_SENSITIVE(subcategory)) return { subcategory, at };
    const year = Number(localDate(occurred).slice(0, 4));
    if (!cleanVillageYears.has(`${villages[grids[at.grid]!.village]!.code}:${year}`)) return { subcategory, at };
    const failed = failedVillages.get(year);
    if (failed?.length) return { subcategory, at: sampler.inGrid(moveRng, moveRng.pick(ordinaryGrids(moveRng.pick(failed))).index) };
    return { subcategory: NOT_SENSITIVE[subcategory.split('.')[0]!] ?? 'public_order.fight', at };
  };

  // --- The ordinary stream ------------------------------------------------------------------------
  while (drafts.length < counts.incidents) {
    const drawn = drawPlace();
    const { context } = drawn;
    let at = drawn.at;
    let subcategory = rng.pickWeighted(MIX[context]);
    const category = subcategory.split('.')[0] as IncidentCategory;
    if (!INCIDENT_CATEGORIES.includes(category)) throw new Error(`unknown category ${category}`);
    // Serious accidents and cases are reserved for the injected events, so only major levels of
    // non-veto categories occur here (and fewer than 10 people).
    let level: IncidentLevel = 'general';
    if (!VETO_CATEGORIES.has(category)) {
      const r = rng.next();
      level = r < 0.0004 ? 'especially_major' : r < 0.0124 ? 'major' : 'general';
    }
    const people = category === 'dispute'
      ? Math.min(9, 2 + rng.poisson(0.8))
      : subcategory === 'public_order.fight' ? rng.int(2, 5) : Math.min(9, 1 + rng.poisson(0.3));
    const occurred = drawTime(category, subcategory, startMs);
    ({ subcategory, at } = keepThreeNos(subcategory, occurred, at));
    drafts.push({ category: subcategory.split('.')[0] as IncidentCategory, subcategory, level, people, occurred, at, injected: null });
  }
  drafts.sort((p, q) => p.occurred - q.occurred);

  // --- Flow, status, mediation --------------------------------------------------------------------
  const incidents: DemoIncident[] = [];
  const flowSteps: DemoFlowStep[] = [];
  drafts.forEach((d, i) => {
    const id = i + 1;
    const grid = grids[d.at.grid]!;
    const village = villages[grid.village]!;
    const source = pickSource(rng, d.category);
    const reportDelayMin = source === 'camera' ? rng.logNormal(4, 0.6)
      : source === 'grid_worker' ? rng.logNormal(20, 0.8)
        : source === 'public' ? rng.logNormal(45, 1) : rng.logNormal(120, 1);
    const reported = Math.min(d.occurred + Math.round(Math.min(reportDelayMin, 2880) * 60) * 1000, nowMs - 30_000);
    const reportedAt = Math.max(reported, d.occurred);
    const instability = d.people >= 10 || (d.level !== 'general' && INSTABILITY_CATEGORIES.has(d.category));
    const steps = buildFlow(rng, calendar, d, reportedAt, instability).filter((s) => s.at <= nowMs);
    const last = steps[steps.length - 1]!;
    const accepted = steps.find((s) => s.action === 'accept' || s.action === 'dispatch');
    const resolved = steps.find((s) => s.action === 'resolve');
    steps.forEach((s, k) => flowSteps.push({
      incident_id: id, county_code: COUNTY_CODE, seq: k + 1, flow_level: s.level, action: s.action,
      status_after: s.status, at: iso(s.at), deadline_at: s.deadline === null ? null : iso(s.deadline), note: s.note,
    }));
    // Three-colour warning on major instability issues: red while nobody has taken it on, orange
    // while it is being resolved under control, yellow once resolved and kept under long-term watch.
    let warning: WarningColour | null = null;
    if (instability) {
      warning = last.status === 'reported' || last.status === 'escalated' ? 'red'
        : last.status === 'resolved' || last.status === 'closed' ? 'yellow' : 'orange';
    }
    const summaries = SUMMARIES[d.subcategory];
    const summary = summaries && rng.chance(0.4) ? rng.pick(summaries) : null;
    incidents.push({
      id, county_code: COUNTY_CODE, village_code: village.code, grid_code: grid.code,
      category: d.category, subcategory: d.subcategory, level: d.level, source, summary,
      people_involved: d.people, occurred_at: iso(d.occurred), reported_at: iso(reportedAt),
      accepted_at: accepted ? iso(accepted.at) : null, resolved_at: resolved ? iso(resolved.at) : null,
      flow_level: last.level, status: last.status, warning_colour: warning,
      created_at: iso(reportedAt), updated_at: iso(last.at), lon: d.at.lon, lat: d.at.lat,
    });
  });

  const mediations = generateMediations(rng.fork('mediations'), world, incidents, counts.mediations);
  return { incidents, flowSteps, mediations, threeNos };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function pickSource(rng: Rng, category: IncidentCategory): IncidentSource {
  if (category === 'livelihood' || category === 'petition') {
    return rng.pickWeighted<IncidentSource>([['grid_worker', 30], ['public', 25], ['hotline_12345', 45]]);
  }
  if (category === 'public_order' || category === 'traffic') {
    return rng.pickWeighted<IncidentSource>([['grid_worker', 25], ['public', 35], ['hotline_12345', 10], ['camera', 30]]);
  }
  if (category === 'criminal_case') {
    return rng.pickWeighted<IncidentSource>([['grid_worker', 10], ['public', 70], ['hotline_12345', 20]]);
  }
  return rng.pickWeighted<IncidentSource>([['grid_worker', 45], ['public', 25], ['hotline_12345', 20], ['camera', 10]]);
}

interface StepDraft {
  level: FlowLevel;
  action: FlowAction;
  status: IncidentStatus;
  at: number;
  deadline: number | null;
  note: string | null;
}

/**
 * The whole life of an incident, even the part after `now` (the caller cuts it there, which is what
 * leaves recent incidents open at whatever level they had reached). Deadlines follow the three-level
 * rule (geo/flow-deadline.ts): the grid handles within 1 working day; the village accepts within 2
 * and answers within 5; the township's electronic dispatch carries a 3-day deadline; the county
 * answers within 10.
 *
 * A step's `deadline` is the deadline in force after it: the steps that open a period (report,
 * escalate, dispatch, the village's and county's accept) set a new one, the steps within the period
 * carry it on, resolve and close have none. A step that comes after the deadline in force on the step
 * before it is overdue.
 */
function buildFlow(rng: Rng, cal: WorkCalendar, d: Draft, reported: number, instability: boolean): StepDraft[] {
  let path: FlowLevel;
  if (d.injected) path = rng.chance(0.5) ? 'township' : 'county';
  else if (d.level !== 'general') path = rng.pickWeighted<FlowLevel>([['grid', 0.1], ['village', 0.2], ['township', 0.45], ['county', 0.25]]);
  else if (rng.chance(GRID_RESOLVED_SHARE[d.category])) path = 'grid';
  else if (d.category === 'petition' || d.category === 'criminal_case') {
    path = rng.pickWeighted<FlowLevel>([['village', 0.3], ['township', 0.45], ['county', 0.25]]);
  } else path = rng.pickWeighted<FlowLevel>([['village', 0.65], ['township', 0.27], ['county', 0.08]]);
  // Long-running major instability issues: resolution takes weeks to months.
  const slow = instability && path !== 'grid' && path !== 'village' ? rng.uniform(4, 12) : 1;
  // About one step in fifteen drags on (a worker away, a party unreachable), which is what makes
  // some steps overdue: the flow views must have something to flag.
  const hours = (median: number, sigma = 0.8): number =>
    Math.max(60_000, Math.round(rng.logNormal(median, sigma) * (rng.chance(0.065) ? rng.uniform(3, 10) : 1) * 3600) * 1000);

  const steps: StepDraft[] = [];
  let t = reported;
  // The deadline rules are geo/flow-deadline.ts (shared with the API): each step's deadline follows
  // from the one before it, the step, and when the matter arrived at the step's level.
  let deadline: number | null = null;
  let arrivedAt = reported;
  const push = (level: FlowLevel, action: FlowAction, status: IncidentStatus, note: string | null): void => {
    if (action === 'escalate') arrivedAt = t;
    deadline = deadlineAfterStep(deadline, { level, action, atMs: t, arrivedAtMs: arrivedAt }, cal);
    steps.push({ level, action, status, at: t, deadline, note });
  };
  push('grid', 'report', 'reported', null);
  t += hours(0.8);
  push('grid', 'accept', 'accepted', null);
  if (path === 'grid') {
    t += hours(0.5);
    push('grid', 'handle', 'in_progress', null);
    t += hours(5, 0.9);
    push('grid', 'resolve', 'resolved', '网格内就地办结');
  } else {
    t += hours(6);
    push('village', 'escalate', 'escalated', '超出网格处置能力，上报村（社区）');
    t += hours(14, 0.9);
    push('village', 'accept', 'accepted', null);
    t += hours(4);
    push('village', 'handle', 'in_progress', null);
    if (path === 'village') {
      t += hours(40, 0.9);
      push('village', 'resolve', 'resolved', '村（社区）调处办结');
    } else {
      t += hours(30);
      push('township', 'escalate', 'escalated', '提交乡镇（街道）综治中心');
      t += hours(5);
      push('township', 'dispatch', 'in_progress', '电子派单至职能部门');
      if (path === 'township') {
        t += hours(60 * slow, 0.9);
        push('township', 'resolve', 'resolved', '乡镇（街道）协调办结');
      } else {
        t += hours(48);
        push('county', 'escalate', 'escalated', '提请县级部门协调');
        t += hours(20);
        push('county', 'accept', 'accepted', null);
        t += hours(240 * slow, 0.9);
        push('county', 'resolve', 'resolved', '县级协调办结');
      }
    }
  }
  t += hours(20, 0.9);
  push(steps[steps.length - 1]!.level, 'close', 'closed', null);
  return steps;
}

// ------------------------------------------------------------------------------------------------

/**
 * Mediations of dispute incidents. Where the matter ended decides who mediated and how it went: the
 * grid and the village resolve nearly everything locally (the ≥95 % target); township matters are
 * mostly resolved or kept under control; the few that reach the county end in court or go further.
 */
function generateMediations(rng: Rng, world: World, incidents: readonly DemoIncident[], target: number): DemoMediation[] {
  const disputes = incidents.filter((i) => i.category === 'dispute');
  const chosen = rng.shuffled(disputes).slice(0, Math.min(target, disputes.length)).sort((p, q) => p.id - q.id);
  const villageByCode = new Map(world.villages.map((v) => [v.code, v]));
  const out: DemoMediation[] = [];
  for (const inc of chosen) {
    const village = villageByCode.get(inc.village_code)!;
    const township = world.townships[village.township]!;
    const T = shortName(township.name);
    let kind: MediatorKind;
    if (inc.flow_level === 'grid' || inc.flow_level === 'village') {
      kind = rng.pickWeighted<MediatorKind>([['people_committee', 0.7], ['volunteer', 0.25], ['police', 0.05]]);
    } else if (inc.flow_level === 'township') {
      kind = rng.pickWeighted<MediatorKind>([['people_committee', 0.4], ['police', 0.3], ['lawyer', 0.2], ['volunteer', 0.1]]);
    } else {
      kind = rng.pickWeighted<MediatorKind>([['court', 0.4], ['lawyer', 0.3], ['police', 0.2], ['people_committee', 0.1]]);
    }
    const org = kind === 'people_committee'
      ? (inc.flow_level === 'grid' || inc.flow_level === 'village' ? `${village.name}人民调解委员会`
        : inc.flow_level === 'township' ? `${township.name}人民调解委员会` : `${COUNTY_NAME}人民调解委员会`)
      : kind === 'volunteer' ? (rng.chance(0.5) ? `${shortName(village.name)}老娘舅调解队` : `${T}乡贤调解团`)
        : kind === 'police' ? `${T}派出所警调衔接工作室`
          : kind === 'court' ? `${COUNTY_NAME}人民法院诉调对接中心` : `${COUNTY_NAME}律师调解工作室`;
    const open = inc.status !== 'resolved' && inc.status !== 'closed';
    let outcome: MediationOutcome | null;
    let ended: string | null;
    const reportedDay = localDate(Date.parse(inc.reported_at));
    if (open) {
      outcome = rng.chance(0.5) ? 'controlled' : null;
      ended = null;
    } else {
      const resolvedDay = localDate(Date.parse(inc.resolved_at!));
      ended = resolvedDay;
      if (inc.flow_level === 'grid') outcome = resolvedDay === reportedDay ? 'resolved_on_spot' : 'resolved';
      else if (inc.flow_level === 'village') outcome = rng.chance(0.15) ? 'resolved_on_spot' : 'resolved';
      else if (inc.flow_level === 'township') outcome = rng.pickWeighted<MediationOutcome>([['resolved', 0.8], ['controlled', 0.2]]);
      else outcome = rng.pickWeighted<MediationOutcome>([['litigation', 0.5], ['escalated', 0.5]]);
      if (outcome === 'resolved_on_spot') ended = reportedDay;
    }
    out.push({
      incident_id: inc.id, county_code: COUNTY_CODE, village_code: inc.village_code, mediator_kind: kind,
      mediator_org: org, outcome, started_on: reportedDay, ended_on: ended, note: null,
    });
  }
  return out;
}

const VETO_REASONS = ['发生10人以上群体性事件', '发生重大刑事案件', '发生较大道路交通事故', '发生较大生产安全事故', '发生较大火灾事故'];

/**
 * Three-nos assessments for the current year and the two before, roughly on the 85 / 90 / 95 %
 * targets. Past years are decided (achieved or failed, some vetoed); the current year is in progress
 * unless a veto event (from the incidents) or a failed criterion has already decided it.
 */
function generateThreeNos(rng: Rng, world: World, vetoes: ReadonlyMap<string, string>, today: string): DemoThreeNosAssessment[] {
  const year = Number(today.slice(0, 4));
  const out: DemoThreeNosAssessment[] = [];
  const villages = world.villages.slice().sort((p, q) => (p.code < q.code ? -1 : 1));
  const allTrue = (): { no_case: boolean[]; no_accident: boolean[]; no_petition: boolean[] } => ({
    no_case: new Array<boolean>(8).fill(true), no_accident: new Array<boolean>(4).fill(true), no_petition: new Array<boolean>(4).fill(true),
  });
  const failSome = (c: ReturnType<typeof allTrue>, n: number): void => {
    for (let k = 0; k < n; k++) {
      const group = rng.pickWeighted<keyof typeof c>([['no_case', 0.5], ['no_accident', 0.25], ['no_petition', 0.25]]);
      c[group][rng.int(0, c[group].length - 1)] = false;
    }
  };
  const criterionOfReason = (c: ReturnType<typeof allTrue>, reason: string): void => {
    if (reason.includes('群体性')) c.no_petition[2] = false;
    else if (reason.includes('刑事')) c.no_case[0] = false;
    else if (reason.includes('交通')) c.no_accident[0] = false;
    else if (reason.includes('生产')) c.no_accident[1] = false;
    else if (reason.includes('火灾')) c.no_accident[2] = false;
  };
  for (const v of villages) {
    for (const y of [year - 2, year - 1, year]) {
      const c = allTrue();
      let vetoed = false;
      let reason: string | null = null;
      let status: DemoThreeNosAssessment['status'];
      let assessedOn: string | null = null;
      if (y < year) {
        const target = y === year - 2 ? 0.86 : 0.91;
        if (rng.chance(target)) status = 'achieved';
        else {
          status = 'failed';
          if (rng.chance(0.4)) {
            vetoed = true;
            reason = rng.pick(VETO_REASONS);
            criterionOfReason(c, reason);
          } else failSome(c, rng.int(1, 2));
        }
        const assessed = `${y + 1}-01-15`;
        assessedOn = assessed <= today ? assessed : null;
      } else {
        const veto = vetoes.get(v.code);
        if (veto) {
          vetoed = true;
          reason = veto;
          criterionOfReason(c, veto);
          status = 'failed';
          assessedOn = today;
        } else if (rng.chance(0.015)) {
          failSome(c, 1);
          status = 'failed';
          assessedOn = today;
        } else status = 'in_progress';
      }
      out.push({
        county_code: COUNTY_CODE, village_code: v.code, year: y, no_case: c.no_case, no_accident: c.no_accident,
        no_petition: c.no_petition, vetoed, veto_reason: reason, status, assessed_on: assessedOn,
      });
    }
  }
  return out;
}
