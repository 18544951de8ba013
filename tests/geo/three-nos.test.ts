import { describe, expect, it } from 'vitest';
import { localToUtcMs as L } from '../../geo/local-time.js';
import {
  evaluateThreeNos, THREE_NOS_GROUP_SIZES, THREE_NOS_MANUAL_ONLY, THREE_NOS_SIGNALS, THREE_NOS_TARGETS, threeNosShare, threeNosTarget,
  type ManualThreeNos, type ThreeNosEvent,
} from '../../geo/three-nos.js';

const YEAR = 2030;

/** A general-level incident of 1 person at the grid on 1 March 2030, unless told otherwise. */
function ev(id: number, subcategory: string | null, over: Partial<ThreeNosEvent> = {}): ThreeNosEvent {
  return {
    id, category: subcategory ? subcategory.split('.')[0]! : 'criminal_case', subcategory, level: 'general', peopleInvolved: 1,
    flowLevel: 'grid', occurredAtMs: L('2030-03-01', 10) + id * 60_000, ...over,
  };
}

const evaluate = (events: ThreeNosEvent[], manual: ManualThreeNos | null = null, yearComplete = false) =>
  evaluateThreeNos({ year: YEAR, manual, events, yearComplete });

/** The criteria an evaluation has broken, as `grp.idx` → ids. */
const broken = (r: ReturnType<typeof evaluate>) =>
  Object.fromEntries(r.criteria.filter((c) => c.brokenBy.length > 0).map((c) => [`${c.grp}.${c.idx}`, c.brokenBy]));

const allMet = (): ManualThreeNos => ({
  no_case: new Array<boolean>(8).fill(true), no_accident: new Array<boolean>(4).fill(true), no_petition: new Array<boolean>(4).fill(true),
  vetoed: false, status: 'in_progress',
});

describe('evaluateThreeNos', () => {
  it('has 16 criteria, all met without events: in progress during the year, achieved after it', () => {
    const r = evaluate([]);
    expect(r.criteria.map((c) => `${c.grp}.${c.idx}`)).toEqual([
      'no_case.1', 'no_case.2', 'no_case.3', 'no_case.4', 'no_case.5', 'no_case.6', 'no_case.7', 'no_case.8',
      'no_accident.1', 'no_accident.2', 'no_accident.3', 'no_accident.4',
      'no_petition.1', 'no_petition.2', 'no_petition.3', 'no_petition.4',
    ]);
    expect(r.criteria.every((c) => c.met && c.manualMet === null)).toBe(true);
    expect(r).toMatchObject({ status: 'in_progress', metCount: 16, vetoed: false, vetoedBy: [] });
    expect(evaluate([], null, true).status).toBe('achieved');
    expect(evaluate([], allMet(), true).status).toBe('achieved');
  });

  // [event, criteria it breaks, whether it vetoes the year]
  const cases: [string, ThreeNosEvent, Record<string, number[]>, boolean][] = [
    ['violent case', ev(1, 'criminal_case.violent'), { 'no_case.1': [1] }, false],
    ['theft case (burglary)', ev(2, 'criminal_case.theft'), { 'no_case.3': [2] }, false],
    ['fraud case', ev(3, 'criminal_case.fraud'), { 'no_case.4': [3] }, false],
    ['gambling', ev(4, 'public_order.gambling'), { 'no_case.6': [4] }, false],
    ['public-order theft (not a criminal case)', ev(5, 'public_order.theft'), {}, false],
    ['general collision', ev(6, 'traffic.collision'), {}, false],
    ['major collision', ev(7, 'traffic.collision', { level: 'major' }), { 'no_accident.1': [7] }, true],
    ['major unclassified traffic', ev(8, null, { category: 'traffic', level: 'major' }), { 'no_accident.1': [8] }, true],
    ['major illegal parking: vetoes, breaks nothing', ev(9, 'traffic.parking', { level: 'major' }), {}, true],
    ['major factory accident', ev(10, 'work_safety.factory', { level: 'major' }), { 'no_accident.2': [10] }, true],
    ['especially major field fire', ev(11, 'fire.field', { level: 'especially_major' }), { 'no_accident.3': [11] }, true],
    ['general fire', ev(12, 'fire.residential'), {}, false],
    ['petition at the county level', ev(13, 'petition.visit', { flowLevel: 'county' }), { 'no_petition.1': [13] }, false],
    ['petition of 5 people', ev(14, 'petition.visit', { peopleInvolved: 5 }), { 'no_petition.3': [14] }, false],
    ['petition of 4 people', ev(15, 'petition.letter', { peopleInvolved: 4 }), {}, false],
    ['major petition', ev(16, 'petition.visit', { level: 'major' }), { 'no_petition.4': [16] }, false],
    ['dispute of 9 people', ev(17, 'dispute.land', { peopleInvolved: 9 }), {}, false],
  ];
  for (const [name, event, expected, veto] of cases) {
    it(`signals: ${name}`, () => {
      const r = evaluate([event]);
      expect(broken(r)).toEqual(expected);
      expect(r.vetoed).toBe(veto);
      expect(r.vetoedBy).toEqual(veto ? [event.id] : []);
      const anything = veto || Object.keys(expected).length > 0;
      expect(r.status).toBe(anything ? 'failed' : 'in_progress');
      expect(r.metCount).toBe(16 - Object.keys(expected).length);
    });
  }

  it('breaks no_petition 2 with the second and later petitions of the year, not the first', () => {
    // Given out of order: the first by time is 22 (February), then 21 and 23.
    const r = evaluate([
      ev(21, 'petition.letter', { occurredAtMs: L('2030-05-01', 9) }),
      ev(22, 'petition.visit', { occurredAtMs: L('2030-02-01', 9) }),
      ev(23, 'petition.letter', { occurredAtMs: L('2030-07-01', 9) }),
      ev(24, 'dispute.land', { occurredAtMs: L('2030-01-15', 9) }), // not a petition: does not count
    ]);
    expect(broken(r)).toEqual({ 'no_petition.2': [21, 23] });
    // A single petition is allowed.
    expect(broken(evaluate([ev(22, 'petition.visit')]))).toEqual({});
  });

  it('vetoes the year for a 12-person incident of any category', () => {
    const r = evaluate([ev(31, 'dispute.labour', { peopleInvolved: 12 })], allMet());
    expect(r.vetoed).toBe(true);
    expect(r.vetoedBy).toEqual([31]);
    expect(broken(r)).toEqual({}); // a dispute breaks no criterion: the veto alone fails the year
    expect(r.metCount).toBe(16);
    expect(r.status).toBe('failed');
    // A 12-person petition is also collective (≥ 5): both.
    const p = evaluate([ev(32, 'petition.visit', { peopleInvolved: 12 })]);
    expect(p.vetoedBy).toEqual([32]);
    expect(broken(p)).toEqual({ 'no_petition.3': [32] });
  });

  it('vetoes the year for a major criminal case, which also breaks its criterion', () => {
    const r = evaluate([ev(41, 'criminal_case.violent', { level: 'major' }), ev(42, 'criminal_case.fraud')], allMet(), true);
    expect(r).toMatchObject({ vetoed: true, vetoedBy: [41], status: 'failed', metCount: 14 });
    expect(broken(r)).toEqual({ 'no_case.1': [41], 'no_case.4': [42] });
  });

  it('keeps a manual "not met" without any event', () => {
    // A food-safety accident (no_accident 4), which no incident category can show.
    const manual = { ...allMet(), no_accident: [true, true, true, false] };
    const r = evaluate([], manual);
    const c = r.criteria.find((x) => x.grp === 'no_accident' && x.idx === 4)!;
    expect(c).toEqual({ grp: 'no_accident', idx: 4, met: false, manualMet: false, brokenBy: [] });
    expect(r.metCount).toBe(15);
    expect(r.status).toBe('failed');
    expect(r.vetoed).toBe(false);
  });

  it('honours the assessor\'s veto and failure, but recomputes an "achieved"', () => {
    expect(evaluate([], { ...allMet(), vetoed: true })).toMatchObject({ vetoed: true, vetoedBy: [], status: 'failed', metCount: 16 });
    expect(evaluate([], { ...allMet(), status: 'failed' }).status).toBe('failed');
    // Recorded achieved, but a fraud case of the year was recorded later.
    expect(evaluate([ev(51, 'criminal_case.fraud')], { ...allMet(), status: 'achieved' }, true).status).toBe('failed');
    // Recorded achieved while the year is still running: in progress.
    expect(evaluate([], { ...allMet(), status: 'achieved' }, false).status).toBe('in_progress');
  });

  it('counts only the events of the year, in local time', () => {
    // 31 December 2029 23:30 local is outside; 1 January 2030 00:10 local (still 2029 in UTC) is inside.
    const r = evaluate([
      ev(61, 'criminal_case.violent', { level: 'major', occurredAtMs: L('2029-12-31', 23, 30) }),
      ev(62, 'criminal_case.theft', { occurredAtMs: L('2030-01-01', 0, 10) }),
      ev(63, 'criminal_case.fraud', { occurredAtMs: L('2031-01-01', 0, 0) }),
    ]);
    expect(broken(r)).toEqual({ 'no_case.3': [62] });
    expect(r.vetoed).toBe(false);
  });

  it('leaves an unclassified criminal case to the assessor', () => {
    const r = evaluate([ev(71, null), ev(72, 'criminal_case.smuggling'), ev(73, 'criminal_case.theft')]);
    expect(r.needsReview).toEqual([71, 72]);
    expect(broken(r)).toEqual({ 'no_case.3': [73] });
    // At major level it still vetoes.
    expect(evaluate([ev(74, null, { level: 'major' })]).vetoedBy).toEqual([74]);
  });

  it('refuses a manual assessment of the wrong shape', () => {
    expect(() => evaluate([], { ...allMet(), no_case: [true, true] })).toThrow(RangeError);
  });

  it('documents every criterion: a signal or a reason why only the assessor decides it', () => {
    // 16 criteria, each either signalled or manual-only: no gaps.
    for (const [grp, size] of Object.entries(THREE_NOS_GROUP_SIZES)) {
      for (let idx = 1; idx <= size; idx++) {
        const signalled = THREE_NOS_SIGNALS.some((s) => s.grp === grp && s.idx === idx);
        const manualOnly = THREE_NOS_MANUAL_ONLY.some((m) => m.grp === grp && m.idx === idx);
        expect(signalled !== manualOnly, `${grp}.${idx}`).toBe(true);
      }
    }
  });
});

describe('targets and shares', () => {
  it('sets 85 / 90 / 95 % by programme year, 95 % after', () => {
    expect(THREE_NOS_TARGETS).toEqual([0.85, 0.9, 0.95]);
    expect(threeNosTarget(2024, 2024)).toBe(0.85);
    expect(threeNosTarget(2025, 2024)).toBe(0.9);
    expect(threeNosTarget(2026, 2024)).toBe(0.95);
    expect(threeNosTarget(2030, 2024)).toBe(0.95);
    expect(threeNosTarget(2023, 2024)).toBeNull();
  });

  it('counts villages achieved or on track', () => {
    // Current year: achieved and in progress are both not failed: 3 of 4.
    expect(threeNosShare(['achieved', 'in_progress', 'failed', 'in_progress'])).toBe(0.75);
    // A finished year with a stale in-progress row: only achieved counts, 1 / 4.
    expect(threeNosShare(['achieved', 'in_progress', 'failed', 'in_progress'], true)).toBe(0.25);
    expect(threeNosShare([])).toBeNull();
    // 20 villages, 1 failed: 19 / 20 = 95 %, which meets the year-3 target but 18 / 20 does not.
    const nineteen = [...new Array<'achieved'>(19).fill('achieved'), 'failed' as const];
    expect(threeNosShare(nineteen, true)! >= threeNosTarget(2026, 2024)!).toBe(true);
    const eighteen = [...new Array<'achieved'>(18).fill('achieved'), 'failed' as const, 'failed' as const];
    expect(threeNosShare(eighteen, true)! >= threeNosTarget(2026, 2024)!).toBe(false);
  });
});
