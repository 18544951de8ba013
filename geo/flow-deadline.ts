/**
 * Deadlines of the three-level flow (DESIGN.md; the flow itself is geo/incident-flow.ts), shared by
 * the demo generator (which stores them on its flow steps), the API (which stores `deadline_at` on
 * the steps it records) and the deadline analytics (which recompute them, see `currentDeadline`).
 *
 * The rules (DEFAULT_FLOW_DEADLINES):
 * - grid: handled within 1 working day of the report;
 * - village: accepted within 2 working days of the escalation, answered within 5 working days of
 *   the escalation;
 * - township: accepted within 1 working day of the escalation; the electronic dispatch to the
 *   departments then carries a deadline of 3 calendar days;
 * - county: accepted within 2 working days of the escalation, answered within 10 working days of
 *   the acceptance.
 *
 * A step's deadline is the deadline in force after it:
 * - a step with a rule for its level and action opens a new period (report, escalate, dispatch, the
 *   village's and the county's accept, return);
 * - resolve and close end the period: no deadline;
 * - every other step (the grid's and the township's accept, handle) carries the deadline of the
 *   step before it. The township's accept carries the 1-working-day period of its escalation:
 *   accepting and dispatching are one duty of that period.
 * - return (a higher level hands the matter back down): the lower level gets its handling period
 *   again, counted from the return — grid 1 working day, village 5 working days, township
 *   3 calendar days (its dispatch period). Restoring the old deadline instead would make nearly
 *   every returned matter overdue on arrival, for a delay that was not the lower level's.
 * - a county dispatch counts its 10 working days from the county's acceptance (its accept step, or
 *   the dispatch itself when the county dispatches without accepting first), so dispatching after
 *   accepting does not extend the period.
 *
 * Working days are counted by WorkCalendar.addWorkingDays (from the next local day, same local time
 * of day); calendar days are whole 24-hour days (China has no daylight saving).
 */
import type { FlowAction } from './incident-flow.js';
import type { FlowLevel } from './layers.js';
import { DAY_MS } from './local-time.js';
import type { WorkCalendar } from './working-days.js';

/**
 * One deadline period: `days` working or calendar days counted from `from`:
 * - 'step': the step that opens the period;
 * - 'arrival': when the matter arrived at the step's level (its report, escalate or return step);
 * - 'acceptance': when the level took it on (its first accept or dispatch since the arrival, or the
 *   step itself when there was none).
 */
export interface DeadlinePeriod {
  days: number;
  unit: 'working' | 'calendar';
  from: 'step' | 'arrival' | 'acceptance';
}

/** Periods per level and action; a level/action without an entry carries the previous deadline. */
export type FlowDeadlineRules = {
  readonly [L in FlowLevel]?: { readonly [A in FlowAction]?: DeadlinePeriod };
};

const working = (days: number, from: DeadlinePeriod['from'] = 'step'): DeadlinePeriod => ({ days, unit: 'working', from });

/**
 * The three-level rules as data. Configure by spreading, e.g. a 5-calendar-day dispatch:
 * `{ ...DEFAULT_FLOW_DEADLINES, township: { ...DEFAULT_FLOW_DEADLINES.township, dispatch: { days: 5, unit: 'calendar', from: 'step' } } }`.
 */
export const DEFAULT_FLOW_DEADLINES: FlowDeadlineRules = {
  grid: { report: working(1), return: working(1) },
  village: { escalate: working(2), accept: working(5, 'arrival'), return: working(5) },
  township: { escalate: working(1), dispatch: { days: 3, unit: 'calendar', from: 'step' }, return: { days: 3, unit: 'calendar', from: 'step' } },
  county: { escalate: working(2), accept: working(10, 'acceptance'), dispatch: working(10, 'acceptance') },
};

/** Actions after which no deadline is in force. */
const ENDS_PERIOD: ReadonlySet<FlowAction> = new Set(['resolve', 'close']);
/** Actions that bring the matter to a level (the level recorded on the step is the new one). */
const ARRIVES: ReadonlySet<FlowAction> = new Set(['report', 'escalate', 'return']);
/** Actions by which a level takes the matter on. */
const TAKES_ON: ReadonlySet<FlowAction> = new Set(['accept', 'dispatch']);

export interface FlowStepTiming {
  /** The flow level after the step (escalate: the higher level; return: the lower one). */
  level: FlowLevel;
  action: FlowAction;
  atMs: number;
  /** When the matter arrived at `level` (see DeadlinePeriod.from); default `atMs`. */
  arrivedAtMs?: number | null | undefined;
  /** When `level` took the matter on (see DeadlinePeriod.from); default `atMs`. */
  acceptedAtMs?: number | null | undefined;
}

/**
 * The deadline in force after `step` (epoch ms), or null when none is (resolve, close, or a step
 * that carries a null previous deadline). `previousDeadlineMs` is the deadline in force after the
 * step before (null for the first step).
 */
export function deadlineAfterStep(
  previousDeadlineMs: number | null,
  step: FlowStepTiming,
  calendar: WorkCalendar,
  rules: FlowDeadlineRules = DEFAULT_FLOW_DEADLINES,
): number | null {
  if (ENDS_PERIOD.has(step.action)) return null;
  const period = rules[step.level]?.[step.action];
  if (!period) return previousDeadlineMs;
  const fromMs = period.from === 'arrival' ? step.arrivedAtMs ?? step.atMs
    : period.from === 'acceptance' ? step.acceptedAtMs ?? step.atMs : step.atMs;
  return period.unit === 'working' ? calendar.addWorkingDays(fromMs, period.days) : fromMs + period.days * DAY_MS;
}

export interface FlowStepRecord {
  seq: number;
  level: FlowLevel;
  action: FlowAction;
  atMs: number;
  /** The stored `deadline_at`, if the caller has it: accepted so rows can be passed as they are, never read. */
  deadlineAtMs?: number | null | undefined;
}

/** Follows an incident's steps in order, remembering the anchors of the rules (arrival, acceptance). */
class DeadlineWalk {
  deadlineMs: number | null = null;
  private level: FlowLevel | null = null;
  private arrivedAtMs: number | null = null;
  private acceptedAtMs: number | null = null;
  private readonly timing: FlowStepTiming = { level: 'grid', action: 'report', atMs: 0 };

  constructor(private readonly calendar: WorkCalendar, private readonly rules: FlowDeadlineRules) {}

  step(level: FlowLevel, action: FlowAction, atMs: number): number | null {
    if (ARRIVES.has(action) || level !== this.level) {
      // A level change by any step (data recorded before these rules) also counts as an arrival.
      this.arrivedAtMs = atMs;
      this.acceptedAtMs = null;
    }
    this.level = level;
    if (TAKES_ON.has(action) && this.acceptedAtMs === null) this.acceptedAtMs = atMs;
    const t = this.timing; // reused: this runs for every step of every open incident of a city
    t.level = level;
    t.action = action;
    t.atMs = atMs;
    t.arrivedAtMs = this.arrivedAtMs;
    t.acceptedAtMs = this.acceptedAtMs;
    this.deadlineMs = deadlineAfterStep(this.deadlineMs, t, this.calendar, this.rules);
    return this.deadlineMs;
  }
}

/** Steps in `seq` order: the input itself when it already is, else a sorted copy. */
function inSeqOrder<S extends { seq: number }>(steps: readonly S[]): readonly S[] {
  for (let k = 1; k < steps.length; k++) {
    if (steps[k]!.seq < steps[k - 1]!.seq) return steps.slice().sort((a, b) => a.seq - b.seq);
  }
  return steps;
}

/**
 * The deadline in force after each step (same order as the input, which may be in any order: the
 * steps are followed by `seq`). Computed from the steps' levels, actions and times only.
 */
export function flowDeadlines(
  steps: readonly FlowStepRecord[],
  calendar: WorkCalendar,
  rules: FlowDeadlineRules = DEFAULT_FLOW_DEADLINES,
): (number | null)[] {
  const walk = new DeadlineWalk(calendar, rules);
  const bySeq = new Map<FlowStepRecord, number | null>();
  for (const s of inSeqOrder(steps)) bySeq.set(s, walk.step(s.level, s.action, s.atMs));
  return steps.map((s) => bySeq.get(s)!);
}

export type DeadlineWarning = 'overdue' | 'due_soon' | 'on_time' | 'none';

export interface CurrentDeadline {
  /** Level and action of the last step (null only for an empty step list). */
  level: FlowLevel | null;
  action: FlowAction | null;
  /** The deadline in force after the last step; null when none is (resolved, closed, no steps). */
  deadlineMs: number | null;
  /** `nowMs` is after the deadline (a deadline is met up to and including its instant). */
  overdue: boolean;
  /** Whole working days since the deadline (WorkCalendar.workingDaysBetween); 0 unless overdue. */
  overdueWorkingDays: number;
  /** Deadline minus now; negative when overdue, null without a deadline. */
  dueInMs: number | null;
  /**
   * 'none' without a deadline; 'overdue' past it; 'due_soon' when less than one working day is left
   * (`addWorkingDays(now, 1)` would be after the deadline: on Friday evening a deadline on Monday
   * before the same hour is due soon, and so is a 3-calendar-day dispatch deadline on a Sunday);
   * else 'on_time'.
   */
  warning: DeadlineWarning;
}

/**
 * Where an incident stands against its deadline at `nowMs`. The deadline is recomputed from the
 * steps (levels, actions, times) with `calendar` and `rules`, not read from the stored
 * `deadline_at`: a calendar corrected after the fact (a holiday announced late, a swapped working
 * day) or changed rules take effect on every open incident at once. Steps may come in any order;
 * they are followed by `seq`.
 */
export function currentDeadline(
  steps: readonly FlowStepRecord[],
  calendar: WorkCalendar,
  nowMs: number,
  rules: FlowDeadlineRules = DEFAULT_FLOW_DEADLINES,
): CurrentDeadline {
  const ordered = inSeqOrder(steps);
  const walk = new DeadlineWalk(calendar, rules);
  for (const s of ordered) walk.step(s.level, s.action, s.atMs);
  const last = ordered.length > 0 ? ordered[ordered.length - 1]! : null;
  const deadlineMs = walk.deadlineMs;
  if (deadlineMs === null) {
    return { level: last?.level ?? null, action: last?.action ?? null, deadlineMs: null, overdue: false, overdueWorkingDays: 0, dueInMs: null, warning: 'none' };
  }
  const overdue = nowMs > deadlineMs;
  return {
    level: last!.level,
    action: last!.action,
    deadlineMs,
    overdue,
    overdueWorkingDays: overdue ? calendar.workingDaysBetween(deadlineMs, nowMs) : 0,
    dueInMs: deadlineMs - nowMs,
    warning: overdue ? 'overdue' : calendar.workingDaysBetween(nowMs, deadlineMs) < 1 ? 'due_soon' : 'on_time',
  };
}

/**
 * How many days beyond a step a deadline can fall under `rules`: the longest period, with a month
 * of margin for holidays on working-day periods (the longest run of days off, Spring Festival with
 * its weekends, is about 9 days). A caller that loads `calendar_days` for a deadline computation
 * needs the rows from the first step's date to this many days after the last step.
 */
export function deadlineLookaheadDays(rules: FlowDeadlineRules = DEFAULT_FLOW_DEADLINES): number {
  let days = 1;
  for (const level of Object.values(rules)) {
    for (const p of Object.values(level ?? {})) {
      if (!p) continue;
      days = Math.max(days, p.unit === 'calendar' ? Math.ceil(p.days) + 1 : Math.ceil((p.days * 7) / 5) + 30);
    }
  }
  return days;
}
