import { describe, expect, it } from 'vitest';
import { DAY_MS, localToUtcMs as L } from '../../geo/local-time.js';
import { WorkCalendar } from '../../geo/working-days.js';

/**
 * Fixture calendar: National Day 2026 — Thursday 1 to Wednesday 7 October off (Saturday 3 and
 * Sunday 4 are listed too, as the real table does: they restate the weekend), and Saturday
 * 10 October a swapped working day. November 2026 has no exceptions: Friday 20, Saturday 21,
 * Sunday 22, Monday 23.
 */
const OCTOBER = [
  ...['01', '02', '03', '04', '05', '06', '07'].map((d) => ({ day: `2026-10-${d}`, is_workday: false })),
  { day: '2026-10-10', is_workday: true },
];
const cal = new WorkCalendar(OCTOBER);
const plain = new WorkCalendar([]);

describe('WorkCalendar', () => {
  it('knows weekends, holidays and swapped working days', () => {
    expect(cal.isWorkday('2026-10-01')).toBe(false); // holiday Thursday
    expect(cal.isWorkday('2026-10-09')).toBe(true); // ordinary Friday
    expect(cal.isWorkday('2026-10-10')).toBe(true); // swapped Saturday
    expect(cal.isWorkday('2026-10-11')).toBe(false); // ordinary Sunday
    expect(cal.isWorkday('2026-11-21')).toBe(false); // ordinary Saturday
    expect(cal.isHoliday('2026-10-01')).toBe(true);
    expect(cal.isHoliday('2026-11-21')).toBe(false); // a weekend is not a holiday
    expect(cal.isHoliday('2026-10-10')).toBe(false);
    expect(cal.isWorkday('not a date')).toBe(false);
  });

  it('refuses malformed calendar rows and endless counts', () => {
    expect(() => new WorkCalendar([{ day: '2026/10/01', is_workday: false }])).toThrow(RangeError);
    expect(() => cal.addWorkingDays(L('2026-11-20', 18), Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('adds working days across a weekend, at the same local time of day', () => {
    // Friday 20 November 18:00 + 1: Saturday and Sunday do not count → Monday 23 18:00.
    expect(cal.addWorkingDays(L('2026-11-20', 18), 1)).toBe(L('2026-11-23', 18));
    // Thursday 19 10:00 + 2: Friday 20 (1), Monday 23 (2).
    expect(cal.addWorkingDays(L('2026-11-19', 10), 2)).toBe(L('2026-11-23', 10));
    // Counting starts the next LOCAL day: Saturday 01:00 local is still Friday in UTC; + 1 is
    // Monday 01:00 local (counting by UTC dates would give Tuesday 01:00 local).
    expect(cal.addWorkingDays(L('2026-11-21', 1), 1)).toBe(L('2026-11-23', 1));
    // Friday 23:30 local + 1 → Monday 23:30 local.
    expect(cal.addWorkingDays(L('2026-11-20', 23, 30), 1)).toBe(L('2026-11-23', 23, 30));
    // Zero working days: the instant itself.
    expect(cal.addWorkingDays(L('2026-11-21', 9, 15), 0)).toBe(L('2026-11-21', 9, 15));
  });

  it('adds working days across a holiday and a swapped Saturday', () => {
    // Wednesday 30 September 18:00 + 1: 1–7 October off → Thursday 8 October 18:00.
    expect(cal.addWorkingDays(L('2026-09-30', 18), 1)).toBe(L('2026-10-08', 18));
    // + 3: Thu 8 (1), Fri 9 (2), Sat 10 swapped (3).
    expect(cal.addWorkingDays(L('2026-09-30', 18), 3)).toBe(L('2026-10-10', 18));
    // + 4: Sunday 11 is off → Monday 12 (4).
    expect(cal.addWorkingDays(L('2026-09-30', 18), 4)).toBe(L('2026-10-12', 18));
    // Without the calendar, Wednesday 30 September + 1 is Thursday 1 October.
    expect(plain.addWorkingDays(L('2026-09-30', 18), 1)).toBe(L('2026-10-01', 18));
  });

  it('counts whole working days elapsed', () => {
    const fri18 = L('2026-11-20', 18);
    expect(cal.workingDaysBetween(fri18, L('2026-11-23', 17, 59))).toBe(0); // Monday, before 18:00
    expect(cal.workingDaysBetween(fri18, L('2026-11-23', 18))).toBe(1); // Monday 18:00
    expect(cal.workingDaysBetween(fri18, L('2026-11-24', 18))).toBe(2); // Tuesday 18:00
    expect(cal.workingDaysBetween(fri18, L('2026-11-22', 23))).toBe(0); // the weekend counts nothing
    expect(cal.workingDaysBetween(fri18, L('2026-11-20', 23))).toBe(0); // same day
    expect(cal.workingDaysBetween(L('2026-11-24', 18), fri18)).toBe(0); // backwards: never negative
    // Across the holiday: after Wed 30 Sep 18:00 the working days are Oct 8, 9, 10 (swapped), 12.
    expect(cal.workingDaysBetween(L('2026-09-30', 18), L('2026-10-12', 18))).toBe(4);
    expect(cal.workingDaysBetween(L('2026-09-30', 18), L('2026-10-12', 17))).toBe(3);
    // A whole year without exceptions: Fri 1 Jan 2027 → Sat 1 Jan 2028 is 52 weeks and one day
    // (the Saturday): 52 × 5 = 260.
    expect(plain.workingDaysBetween(L('2027-01-01', 9), L('2028-01-01', 9))).toBe(260);
  });

  it('is the inverse of addWorkingDays', () => {
    // For every start hour over four weeks around the holiday and every n up to 12:
    // addWorkingDays(a, n) is exactly n working days after a, and one minute earlier is n − 1.
    for (let a = L('2026-09-20', 0, 30); a < L('2026-10-18'); a += 5 * 3600_000) {
      for (let n = 1; n <= 12; n++) {
        const due = cal.addWorkingDays(a, n);
        expect(cal.workingDaysBetween(a, due)).toBe(n);
        expect(cal.workingDaysBetween(a, due - 60_000)).toBe(n - 1);
        expect((due - a) % DAY_MS).toBe(0);
      }
    }
  });
});
