/**
 * Three-nos villages (三无村): per village and year, 8 no-case (无刑事案件), 4 no-accident and
 * 4 no-petition criteria (names: sql/migrations/0002_reference_data.sql, `three_nos_criteria`), a
 * veto for serious events, and the programme's targets (85 / 90 / 95 % of villages).
 *
 * The criteria are assessed by people (`three_nos_assessments`); this module adds what the incidents
 * of the year say automatically: THREE_NOS_SIGNALS maps incident facts to the criteria they break,
 * THREE_NOS_VETOES to the events that veto the year. A criterion is met only if the assessor says so
 * (or has not assessed yet) and no incident broke it: the signals can only take a "met" away, never
 * give one, because most criteria need facts the incidents do not carry (THREE_NOS_MANUAL_ONLY).
 */
import type { FlowLevel, IncidentLevel } from './layers.js';
import { localToUtcMs } from './local-time.js';

export const THREE_NOS_GROUPS = ['no_case', 'no_accident', 'no_petition'] as const;
export type ThreeNosGroup = (typeof THREE_NOS_GROUPS)[number];
/** Criteria per group; `idx` runs 1…size, like `three_nos_criteria.idx`. */
export const THREE_NOS_GROUP_SIZES: Readonly<Record<ThreeNosGroup, number>> = { no_case: 8, no_accident: 4, no_petition: 4 };

/** People involved from which an incident is a mass incident (群体性事件): a veto of the year. */
export const MASS_INCIDENT_PEOPLE = 10;
/** People involved from which a petition is collective (集体上访). */
export const COLLECTIVE_PETITION_PEOPLE = 5;

/** The incident facts the signals read. */
export interface ThreeNosEvent {
  id: number;
  /** Category code (`incident_categories`), e.g. 'criminal_case'. */
  category: string;
  /** Subcategory code, e.g. 'criminal_case.theft'; null when not classified. */
  subcategory: string | null;
  level: IncidentLevel;
  /** Null when not recorded: counts as no one (no collective petition, no mass incident). */
  peopleInvolved: number | null;
  /**
   * The highest flow level the incident reached. Callers without the flow steps pass the current
   * level, which misses a petition the county returned down (a limit of that shortcut).
   */
  flowLevel: FlowLevel;
  occurredAtMs: number;
}

/** Facts about the other events of the village-year that a signal may need. */
export interface SignalContext {
  /** Petitions of the village that occurred earlier in the year (by time, then id). */
  earlierPetitions: number;
}

export interface ThreeNosSignal {
  grp: ThreeNosGroup;
  idx: number;
  /** The rule in words (for documentation, tooltips and exports). */
  rule: string;
  breaks(e: ThreeNosEvent, context: SignalContext): boolean;
}

const majorOrAbove = (e: ThreeNosEvent): boolean => e.level !== 'general';
const isPetition = (e: ThreeNosEvent): boolean => e.category === 'petition';

/**
 * Which incident breaks which criterion. Documented choices:
 * - criminal_case.theft breaks no_case 3 (入室盗窃): it is the data's only theft-case type (a theft
 *   that is not a criminal case is public_order.theft and breaks nothing), so it is read as the
 *   burglary the criterion names — the conservative reading for an award.
 * - public_order.gambling breaks no_case 6 (黄赌) although it is a public-order matter, not a
 *   criminal case: the criterion covers gambling cases of either kind.
 * - no_case signals hold at any level; the accident and abnormal-petition signals need major or
 *   especially major (较大以上).
 * - traffic at major+: a collision, or a traffic incident with no subcategory (a serious unclassified
 *   traffic event is an accident far more often than anything else); a major illegal-parking matter
 *   breaks no criterion (it still vetoes, see THREE_NOS_VETOES).
 * - no_petition 1 (越级上访): a petition whose flow reached the county level — the data's proxy for
 *   going over the township's head.
 * - no_petition 2 (重复上访): every petition of the village-year after the first one (by time):
 *   the first petition is allowed, each one after it repeats.
 * - A criminal case whose subcategory is missing or unknown breaks nothing automatically (guessing
 *   a type would put a wrong reason on the village's record); it is listed in `needsReview` instead.
 */
export const THREE_NOS_SIGNALS: readonly ThreeNosSignal[] = [
  { grp: 'no_case', idx: 1, rule: 'a violent criminal case (criminal_case.violent)', breaks: (e) => e.subcategory === 'criminal_case.violent' },
  { grp: 'no_case', idx: 3, rule: 'a theft criminal case (criminal_case.theft)', breaks: (e) => e.subcategory === 'criminal_case.theft' },
  { grp: 'no_case', idx: 4, rule: 'a fraud criminal case (criminal_case.fraud)', breaks: (e) => e.subcategory === 'criminal_case.fraud' },
  { grp: 'no_case', idx: 6, rule: 'a gambling case (public_order.gambling)', breaks: (e) => e.subcategory === 'public_order.gambling' },
  {
    grp: 'no_accident', idx: 1, rule: 'a traffic collision (or unclassified traffic incident) at major level or above',
    breaks: (e) => e.category === 'traffic' && (e.subcategory === 'traffic.collision' || e.subcategory === null) && majorOrAbove(e),
  },
  { grp: 'no_accident', idx: 2, rule: 'a work-safety incident at major level or above', breaks: (e) => e.category === 'work_safety' && majorOrAbove(e) },
  { grp: 'no_accident', idx: 3, rule: 'a fire at major level or above', breaks: (e) => e.category === 'fire' && majorOrAbove(e) },
  { grp: 'no_petition', idx: 1, rule: 'a petition that reached the county flow level (越级)', breaks: (e) => isPetition(e) && e.flowLevel === 'county' },
  { grp: 'no_petition', idx: 2, rule: 'a second or later petition of the village in the year (重复)', breaks: (e, c) => isPetition(e) && c.earlierPetitions >= 1 },
  {
    grp: 'no_petition', idx: 3, rule: `a petition with ${COLLECTIVE_PETITION_PEOPLE} or more people involved (集体)`,
    breaks: (e) => isPetition(e) && (e.peopleInvolved ?? 0) >= COLLECTIVE_PETITION_PEOPLE,
  },
  { grp: 'no_petition', idx: 4, rule: 'a petition at major level or above (非正常)', breaks: (e) => isPetition(e) && majorOrAbove(e) },
];

/** Criteria no incident can break automatically, and why: only the manual assessment decides them. */
export const THREE_NOS_MANUAL_ONLY: readonly { grp: ThreeNosGroup; idx: number; why: string }[] = [
  { grp: 'no_case', idx: 2, why: 'robbery and snatching have no incident subcategory' },
  { grp: 'no_case', idx: 5, why: 'drug offences have no incident subcategory' },
  { grp: 'no_case', idx: 7, why: 'organised crime has no incident subcategory' },
  { grp: 'no_case', idx: 8, why: 'a dispute that became a criminal case is not knowable: the incidents are not linked to each other' },
  { grp: 'no_accident', idx: 4, why: 'food and drug safety accidents have no incident category' },
];

/** Categories whose major-level events are serious cases or accidents (较大以上): a veto of the year. */
const VETO_CATEGORIES: ReadonlySet<string> = new Set(['criminal_case', 'traffic', 'work_safety', 'fire']);

/**
 * The veto rule (一票否决), the same as the demo generator's `isVetoEvent`: a criminal case, traffic,
 * work-safety or fire incident at major level or above (any subcategory, a major illegal-parking
 * matter included: the level says it was serious), or any incident with 10 or more people involved
 * (a mass incident). Food and drug accidents would veto too, but the data has no category for them.
 */
export const THREE_NOS_VETOES: readonly { rule: string; vetoes(e: ThreeNosEvent): boolean }[] = [
  { rule: 'a criminal case, traffic, work-safety or fire incident at major level or above', vetoes: (e) => VETO_CATEGORIES.has(e.category) && majorOrAbove(e) },
  { rule: `a mass incident: ${MASS_INCIDENT_PEOPLE} or more people involved`, vetoes: (e) => (e.peopleInvolved ?? 0) >= MASS_INCIDENT_PEOPLE },
];

/** Position of each signal's criterion in the evaluation's `criteria` (groups in order, idx 1…size). */
const SIGNAL_CRITERION: readonly number[] = THREE_NOS_SIGNALS.map((s) => {
  let offset = 0;
  for (const grp of THREE_NOS_GROUPS) {
    if (grp === s.grp) break;
    offset += THREE_NOS_GROUP_SIZES[grp];
  }
  return offset + s.idx - 1;
});

export type ThreeNosStatus = 'achieved' | 'failed' | 'in_progress';

/** A stored assessment (`three_nos_assessments`): arrays indexed idx − 1, true = met. */
export interface ManualThreeNos {
  no_case: readonly boolean[];
  no_accident: readonly boolean[];
  no_petition: readonly boolean[];
  vetoed: boolean;
  status: ThreeNosStatus;
}

export interface ThreeNosCriterion {
  grp: ThreeNosGroup;
  idx: number;
  /** Met: the assessor says so (or there is no assessment) and no incident broke it. */
  met: boolean;
  /** The assessor's answer; null without an assessment. */
  manualMet: boolean | null;
  /** Ids of the year's incidents that broke it, in order of occurrence. */
  brokenBy: number[];
}

export interface ThreeNosEvaluation {
  /** All 16 criteria: no_case 1…8, no_accident 1…4, no_petition 1…4. */
  criteria: ThreeNosCriterion[];
  /** Vetoed by the assessor or by an incident. */
  vetoed: boolean;
  /** Ids of the year's incidents that veto it, in order of occurrence. */
  vetoedBy: number[];
  status: ThreeNosStatus;
  metCount: number;
  /** Criminal cases with a missing or unknown subcategory: the assessor must classify them. */
  needsReview: number[];
}

/**
 * A village's three-nos year from its assessment and its incidents.
 *
 * @param input.events the village's incidents; only those occurring in `year` (local time) count,
 *   in any order.
 * @param input.manual the stored assessment, or null when there is none (every criterion then
 *   counts as met unless an incident broke it).
 * @param input.yearComplete whether the year is over (the caller knows "now").
 * @returns status 'failed' when vetoed, when any criterion is not met, or when the assessor
 *   recorded 'failed' (a decision may rest on facts outside the 16 criteria); otherwise 'achieved'
 *   once the year is complete, 'in_progress' before. The assessor's 'achieved' is never taken as
 *   is: it is recomputed, so an incident recorded late still fails the year.
 * @throws RangeError when a manual array does not have 8 / 4 / 4 entries
 */
export function evaluateThreeNos(input: {
  year: number;
  manual: ManualThreeNos | null;
  events: readonly ThreeNosEvent[];
  yearComplete: boolean;
}): ThreeNosEvaluation {
  const { year, manual, yearComplete } = input;
  if (manual) {
    for (const grp of THREE_NOS_GROUPS) {
      if (manual[grp].length !== THREE_NOS_GROUP_SIZES[grp]) {
        throw new RangeError(`three-nos ${grp}: ${THREE_NOS_GROUP_SIZES[grp]} criteria expected, got ${manual[grp].length}`);
      }
    }
  }
  const fromMs = localToUtcMs(`${year}-01-01`);
  const toMs = localToUtcMs(`${year + 1}-01-01`);
  const events = input.events
    .filter((e) => e.occurredAtMs >= fromMs && e.occurredAtMs < toMs)
    .sort((a, b) => a.occurredAtMs - b.occurredAtMs || a.id - b.id);

  const criteria: ThreeNosCriterion[] = [];
  for (const grp of THREE_NOS_GROUPS) {
    for (let idx = 1; idx <= THREE_NOS_GROUP_SIZES[grp]; idx++) {
      criteria.push({ grp, idx, met: true, manualMet: manual ? manual[grp][idx - 1]! : null, brokenBy: [] });
    }
  }

  const vetoedBy: number[] = [];
  const needsReview: number[] = [];
  const context: SignalContext = { earlierPetitions: 0 };
  for (const e of events) {
    let caseSignalled = false;
    for (let k = 0; k < THREE_NOS_SIGNALS.length; k++) {
      const s = THREE_NOS_SIGNALS[k]!;
      if (!s.breaks(e, context)) continue;
      criteria[SIGNAL_CRITERION[k]!]!.brokenBy.push(e.id);
      if (s.grp === 'no_case') caseSignalled = true;
    }
    if (THREE_NOS_VETOES.some((v) => v.vetoes(e))) vetoedBy.push(e.id);
    if (e.category === 'criminal_case' && !caseSignalled) needsReview.push(e.id);
    if (isPetition(e)) context.earlierPetitions++;
  }

  let metCount = 0;
  for (const c of criteria) {
    c.met = c.manualMet !== false && c.brokenBy.length === 0;
    if (c.met) metCount++;
  }
  const vetoed = (manual?.vetoed ?? false) || vetoedBy.length > 0;
  const status: ThreeNosStatus = vetoed || metCount < criteria.length || manual?.status === 'failed' ? 'failed'
    : yearComplete ? 'achieved' : 'in_progress';
  return { criteria, vetoed, vetoedBy, status, metCount, needsReview };
}

/** Share of three-nos villages the programme aims at in its 1st, 2nd, and 3rd and later years. */
export const THREE_NOS_TARGETS = [0.85, 0.9, 0.95] as const;

/**
 * The target share for `year` of a programme that started in `programmeStartYear` (its year 1):
 * 85 % in year 1, 90 % in year 2, 95 % in year 3 and every year after. Null before the programme.
 */
export function threeNosTarget(year: number, programmeStartYear: number): number | null {
  const k = year - programmeStartYear;
  if (k < 0) return null;
  return THREE_NOS_TARGETS[Math.min(k, THREE_NOS_TARGETS.length - 1)]!;
}

/**
 * Share of villages achieved or on track, for comparing with `threeNosTarget`: the villages whose
 * status is not 'failed', over all villages. For a complete year evaluated by `evaluateThreeNos`
 * nothing is 'in_progress', so this is the achieved share; for the current year it is the share
 * still on track (in progress, nothing broken). Pass `yearComplete = true` when the statuses may
 * include stale 'in_progress' for a finished year (a stored assessment never closed): then only
 * 'achieved' counts. Null for no villages.
 */
export function threeNosShare(statuses: readonly ThreeNosStatus[], yearComplete = false): number | null {
  if (statuses.length === 0) return null;
  let counted = 0;
  for (const s of statuses) if (yearComplete ? s === 'achieved' : s !== 'failed') counted++;
  return counted / statuses.length;
}
