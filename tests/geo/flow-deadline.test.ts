import { describe, expect, it } from 'vitest';
import {
  currentDeadline, DEFAULT_FLOW_DEADLINES, deadlineAfterStep, deadlineLookaheadDays, flowDeadlines,
  type FlowDeadlineRules, type FlowStepRecord,
} from '../../geo/flow-deadline.js';
import type { FlowAction } from '../../geo/incident-flow.js';
import type { FlowLevel } from '../../geo/layers.js';
import { localToUtcMs as L } from '../../geo/local-time.js';
import { WorkCalendar } from '../../geo/working-days.js';

/**
 * Same fixture calendar as working-days.test.ts: 1–7 October 2026 off (Thursday to Wednesday),
 * Saturday 10 October a swapped working day; November 2026 plain (Fri 20, Sat 21, Sun 22, Mon 23).
 */
const cal = new WorkCalendar([
  ...['01', '02', '03', '04', '05', '06', '07'].map((d) => ({ day: `2026-10-${d}`, is_workday: false })),
  { day: '2026-10-10', is_workday: true },
]);
const HOUR = 3600_000;

const step = (level: FlowLevel, action: FlowAction, atMs: number) => ({ level, action, atMs });
let seq = 0;
const rec = (level: FlowLevel, action: FlowAction, atMs: number): FlowStepRecord => ({ seq: ++seq, level, action, atMs });

describe('deadlineAfterStep', () => {
  it('gives the grid 1 working day from the report, carried by accept and handle', () => {
    // Friday 20 November 18:00 + 1 working day → Monday 23 18:00.
    const d = deadlineAfterStep(null, step('grid', 'report', L('2026-11-20', 18)), cal);
    expect(d).toBe(L('2026-11-23', 18));
    expect(deadlineAfterStep(d, step('grid', 'accept', L('2026-11-20', 19)), cal)).toBe(d);
    expect(deadlineAfterStep(d, step('grid', 'handle', L('2026-11-21', 9)), cal)).toBe(d);
    expect(deadlineAfterStep(d, step('grid', 'resolve', L('2026-11-21', 10)), cal)).toBeNull();
    expect(deadlineAfterStep(null, step('grid', 'close', L('2026-11-21', 11)), cal)).toBeNull();
  });

  it('gives the village 2 working days to accept and 5 from the escalation to answer, across the holiday', () => {
    // Escalated Wednesday 30 September 10:00: 1–7 October off → accept by Thu 8 (1), Fri 9 (2) 10:00.
    const esc = L('2026-09-30', 10);
    const accept = deadlineAfterStep(null, step('village', 'escalate', esc), cal);
    expect(accept).toBe(L('2026-10-09', 10));
    // Accepted Thursday 8 October at 15:00; the answer is due 5 working days after the ESCALATION:
    // Oct 8 (1), 9 (2), Sat 10 swapped (3), Mon 12 (4), Tue 13 (5), at the escalation's 10:00.
    const answer = deadlineAfterStep(accept, { ...step('village', 'accept', L('2026-10-08', 15)), arrivedAtMs: esc }, cal);
    expect(answer).toBe(L('2026-10-13', 10));
    // Without the arrival time the accept itself is the anchor: Oct 9, 10, 12, 13, 14 at 15:00.
    expect(deadlineAfterStep(accept, step('village', 'accept', L('2026-10-08', 15)), cal)).toBe(L('2026-10-14', 15));
  });

  it('gives the township 1 working day to accept and the dispatch 3 calendar days', () => {
    // Escalated Thursday 19 November 16:00 → Friday 20 16:00.
    expect(deadlineAfterStep(null, step('township', 'escalate', L('2026-11-19', 16)), cal)).toBe(L('2026-11-20', 16));
    // Its accept carries that period.
    expect(deadlineAfterStep(L('2026-11-20', 16), step('township', 'accept', L('2026-11-20', 9)), cal)).toBe(L('2026-11-20', 16));
    // Dispatched Friday 20 11:00 → Monday 23 11:00 (3 × 24 h, the weekend counts).
    expect(deadlineAfterStep(L('2026-11-20', 16), step('township', 'dispatch', L('2026-11-20', 11)), cal)).toBe(L('2026-11-23', 11));
    // Calendar days ignore holidays too: Wednesday 30 September 9:00 → Saturday 3 October 9:00.
    expect(deadlineAfterStep(null, step('township', 'dispatch', L('2026-09-30', 9)), cal)).toBe(L('2026-10-03', 9));
  });

  it('gives the county 2 working days to accept and 10 from the acceptance to answer', () => {
    // Escalated Friday 20 November 10:00 → Mon 23 (1), Tue 24 (2) 10:00.
    expect(deadlineAfterStep(null, step('county', 'escalate', L('2026-11-20', 10)), cal)).toBe(L('2026-11-24', 10));
    // Accepted Monday 23 9:00 → Nov 24, 25, 26, 27, 30, Dec 1, 2, 3, 4, 7 → Monday 7 December 9:00.
    const answer = deadlineAfterStep(L('2026-11-24', 10), step('county', 'accept', L('2026-11-23', 9)), cal);
    expect(answer).toBe(L('2026-12-07', 9));
    // A dispatch after the acceptance keeps the acceptance's period…
    expect(deadlineAfterStep(answer, { ...step('county', 'dispatch', L('2026-11-25', 14)), acceptedAtMs: L('2026-11-23', 9) }, cal))
      .toBe(L('2026-12-07', 9));
    // …a dispatch without an accept before it starts the 10 days itself: Wed 25 14:00 → Wed 9 Dec 14:00
    // (Nov 26, 27, 30, Dec 1, 2, 3, 4, 7, 8, 9).
    expect(deadlineAfterStep(L('2026-11-24', 10), step('county', 'dispatch', L('2026-11-25', 14)), cal)).toBe(L('2026-12-09', 14));
  });

  it('re-opens the lower level\'s handling period on a return', () => {
    // Township returns to the village on Monday 23 November 9:00 → 5 working days: Monday 30 9:00.
    expect(deadlineAfterStep(L('2026-11-20', 16), step('village', 'return', L('2026-11-23', 9)), cal)).toBe(L('2026-11-30', 9));
    // Village returns to the grid Friday 20 17:00 → Monday 23 17:00.
    expect(deadlineAfterStep(L('2026-12-01', 9), step('grid', 'return', L('2026-11-20', 17)), cal)).toBe(L('2026-11-23', 17));
    // County returns to the township Friday 20 17:00 → 3 calendar days: Monday 23 17:00.
    expect(deadlineAfterStep(null, step('township', 'return', L('2026-11-20', 17)), cal)).toBe(L('2026-11-23', 17));
  });

  it('takes configured rules', () => {
    const rules: FlowDeadlineRules = {
      ...DEFAULT_FLOW_DEADLINES,
      township: { ...DEFAULT_FLOW_DEADLINES.township, dispatch: { days: 5, unit: 'calendar', from: 'step' } },
    };
    // Friday 20 November 11:00 + 5 calendar days → Wednesday 25 11:00.
    expect(deadlineAfterStep(null, step('township', 'dispatch', L('2026-11-20', 11)), cal, rules)).toBe(L('2026-11-25', 11));
    // A rule table without an entry carries the previous deadline.
    expect(deadlineAfterStep(123, step('grid', 'report', 0), cal, {})).toBe(123);
    // The default lookahead covers the county's 10 working days: ceil(10 × 7 / 5) + 30 = 44 days.
    expect(deadlineLookaheadDays()).toBe(44);
    expect(deadlineLookaheadDays({ township: { dispatch: { days: 3, unit: 'calendar', from: 'step' } } })).toBe(4);
  });
});

describe('flowDeadlines', () => {
  it('follows a whole county-level flow and tracks the anchors itself, whatever the input order', () => {
    seq = 0;
    const steps = [
      rec('grid', 'report', L('2026-09-29', 9)), // → Wed 30 Sep 9:00
      rec('grid', 'accept', L('2026-09-29', 10)), // carries
      rec('village', 'escalate', L('2026-09-30', 10)), // → Fri 9 Oct 10:00 (see above)
      rec('village', 'accept', L('2026-10-08', 15)), // → 5 wd from the escalation: Tue 13 Oct 10:00
      rec('village', 'handle', L('2026-10-08', 16)), // carries
      rec('township', 'escalate', L('2026-10-09', 9)), // → Sat 10 Oct (swapped) 9:00
      rec('township', 'dispatch', L('2026-10-09', 11)), // → Mon 12 Oct 11:00
      rec('county', 'escalate', L('2026-10-12', 8)), // → Tue 13 (1), Wed 14 (2) 8:00
      rec('county', 'accept', L('2026-10-13', 9)), // → 10 wd: Oct 14,15,16,19,20,21,22,23,26,27 → Tue 27 9:00
      rec('township', 'return', L('2026-10-14', 9)), // → 3 calendar days: Sat 17 9:00
      rec('township', 'dispatch', L('2026-10-15', 9)), // → Sun 18 9:00
      rec('township', 'resolve', L('2026-10-16', 9)),
      rec('township', 'close', L('2026-10-17', 9)),
    ];
    const expected = [
      L('2026-09-30', 9), L('2026-09-30', 9), L('2026-10-09', 10), L('2026-10-13', 10), L('2026-10-13', 10),
      L('2026-10-10', 9), L('2026-10-12', 11), L('2026-10-14', 8), L('2026-10-27', 9), L('2026-10-17', 9),
      L('2026-10-18', 9), null, null,
    ];
    expect(flowDeadlines(steps, cal)).toEqual(expected);
    const reversed = steps.slice().reverse();
    expect(flowDeadlines(reversed, cal)).toEqual(expected.slice().reverse());
  });
});

describe('currentDeadline', () => {
  // Reported Friday 20 November 18:00: the grid's deadline is Monday 23 18:00.
  const reported = [{ seq: 1, level: 'grid' as const, action: 'report' as const, atMs: L('2026-11-20', 18) }];

  it('is on time over the weekend, due soon on Monday, overdue after 18:00', () => {
    // Sunday 12:00: a working day from now is Monday 12:00, before the deadline → on time.
    const sunday = currentDeadline(reported, cal, L('2026-11-22', 12));
    expect(sunday).toEqual({
      level: 'grid', action: 'report', deadlineMs: L('2026-11-23', 18), overdue: false, overdueWorkingDays: 0,
      dueInMs: 30 * HOUR, warning: 'on_time',
    });
    // Friday 20:00: a working day from now is Monday 20:00, after the deadline → due soon already.
    expect(currentDeadline(reported, cal, L('2026-11-20', 20)).warning).toBe('due_soon');
    // Monday 9:00: 9 hours left → due soon.
    const monday = currentDeadline(reported, cal, L('2026-11-23', 9));
    expect(monday.warning).toBe('due_soon');
    expect(monday.dueInMs).toBe(9 * HOUR);
    // Exactly at the deadline it is still met.
    expect(currentDeadline(reported, cal, L('2026-11-23', 18)).warning).toBe('due_soon');
    // One minute after: overdue, by 0 whole working days.
    const late = currentDeadline(reported, cal, L('2026-11-23', 18, 1));
    expect(late).toMatchObject({ overdue: true, overdueWorkingDays: 0, dueInMs: -60_000, warning: 'overdue' });
    // Wednesday 25 19:00: Tuesday 18:00 (1) and Wednesday 18:00 (2) have passed.
    expect(currentDeadline(reported, cal, L('2026-11-25', 19)).overdueWorkingDays).toBe(2);
  });

  it('counts across the holiday and the swapped Saturday', () => {
    seq = 0;
    // Escalated to the village Wednesday 30 September 10:00: accept by Friday 9 October 10:00.
    const steps = [rec('grid', 'report', L('2026-09-30', 8)), rec('village', 'escalate', L('2026-09-30', 10))];
    // Monday 5 October (holiday) 12:00: working days ahead are Oct 8 and Oct 9 → a whole working
    // day is left (Thursday 8 12:00 < Friday 9 10:00) → on time.
    expect(currentDeadline(steps, cal, L('2026-10-05', 12)).warning).toBe('on_time');
    // Thursday 8 October 11:00: Friday 11:00 would be past 10:00 → due soon.
    expect(currentDeadline(steps, cal, L('2026-10-08', 11)).warning).toBe('due_soon');
    // Tuesday 13 October 10:00: Sat 10 (swapped, 1), Mon 12 (2), Tue 13 10:00 (3) → overdue by 3.
    const d = currentDeadline(steps, cal, L('2026-10-13', 10));
    expect(d).toMatchObject({ level: 'village', action: 'escalate', deadlineMs: L('2026-10-09', 10), overdue: true, overdueWorkingDays: 3 });
  });

  it('measures a calendar-day deadline on a weekend in working days', () => {
    // Dispatched Thursday 19 November 11:00 → due Sunday 22 11:00. On Friday 20 at 12:00 the next
    // working day's 12:00 is Monday, after the deadline → due soon.
    const steps = [{ seq: 1, level: 'township' as const, action: 'dispatch' as const, atMs: L('2026-11-19', 11) }];
    expect(currentDeadline(steps, cal, L('2026-11-20', 12))).toMatchObject({ deadlineMs: L('2026-11-22', 11), warning: 'due_soon' });
  });

  it('has no deadline once resolved, or without steps', () => {
    const resolved = [...reported, { seq: 2, level: 'grid' as const, action: 'resolve' as const, atMs: L('2026-11-21', 9) }];
    expect(currentDeadline(resolved, cal, L('2026-12-01', 9))).toEqual({
      level: 'grid', action: 'resolve', deadlineMs: null, overdue: false, overdueWorkingDays: 0, dueInMs: null, warning: 'none',
    });
    expect(currentDeadline([], cal, 0)).toMatchObject({ level: null, action: null, deadlineMs: null, warning: 'none' });
  });

  it('recomputes from the steps with the calendar given, ignoring stored deadlines', () => {
    // Stored when nobody knew of the holiday: Wednesday 30 September 18:00 + 1 = Thursday 1 October.
    const steps = [{ seq: 1, level: 'grid' as const, action: 'report' as const, atMs: L('2026-09-30', 18), deadlineAtMs: L('2026-10-01', 18) }];
    // With the holiday calendar the deadline is Thursday 8 October 18:00: on 2 October not overdue.
    const d = currentDeadline(steps, cal, L('2026-10-02', 9));
    expect(d.deadlineMs).toBe(L('2026-10-08', 18));
    expect(d.overdue).toBe(false);
  });
});
