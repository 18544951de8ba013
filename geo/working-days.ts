/**
 * Working days of the Chinese calendar (Asia/Shanghai local dates, geo/local-time.ts).
 *
 * The rule: Monday–Friday are working days, Saturday and Sunday are not, except where the
 * `calendar_days` table says otherwise — public holidays (a weekday off) and swapped working days
 * (调休: a Saturday or Sunday worked to make a holiday longer). Only the exceptions are stored, so a
 * calendar with no rows is the plain Monday–Friday week.
 *
 * Days are handled internally as integer local day numbers (days since 1970-01-01 local), not as
 * strings: the deadline analytics call these methods for every step of every incident of a city.
 */
import { DAY_MS, SHANGHAI_OFFSET_MS } from './local-time.js';

/** One exception row of `calendar_days`: `day` is a local date `YYYY-MM-DD`. */
export interface CalendarException {
  day: string;
  is_workday: boolean;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Local day number of a `YYYY-MM-DD` date; NaN when it is not a valid date. */
function dayNumberOf(date: string): number {
  if (!DATE_RE.test(date)) return Number.NaN;
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

/** Local day number of an instant. */
function localDayNumber(ms: number): number {
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** Monday–Friday without exceptions. Day 0 (1970-01-01) was a Thursday (ISO weekday 4). */
function isWeekdayNumber(day: number): boolean {
  const isoWeekday = ((((day + 3) % 7) + 7) % 7) + 1;
  return isoWeekday <= 5;
}

/** Weekdays (Mon–Fri) among day numbers [0, day) — negative for day < 0; by whole weeks plus a remainder. */
const WEEKDAYS_IN_FIRST_DAYS = [0, 1, 2, 2, 2, 3, 4, 5]; // from a Thursday: Thu Fri Sat Sun Mon Tue Wed
function weekdaysBefore(day: number): number {
  const weeks = Math.floor(day / 7);
  return 5 * weeks + WEEKDAYS_IN_FIRST_DAYS[day - 7 * weeks]!;
}

/** Working-day arithmetic over the calendar exceptions (weekends off unless swapped). */
export class WorkCalendar {
  /** Day number → is a working day, for the exception days only. */
  private readonly exceptions: Map<number, boolean>;
  /** Exception days in ascending order, and the running sum of how each changes the working-day count. */
  private readonly exceptionDays: Float64Array;
  private readonly adjustmentPrefix: Int32Array;

  /**
   * @param days the `calendar_days` rows; rows with the same day: the last wins. Days outside the
   *   rows follow Monday–Friday, so a calendar must cover the dates it is asked about.
   * @throws RangeError on a day that is not `YYYY-MM-DD`
   */
  constructor(days: readonly CalendarException[]) {
    this.exceptions = new Map();
    for (const d of days) {
      const n = dayNumberOf(d.day);
      if (!Number.isFinite(n)) throw new RangeError(`calendar day ${JSON.stringify(d.day)} is not a YYYY-MM-DD date`);
      this.exceptions.set(n, d.is_workday);
    }
    const sorted = [...this.exceptions.keys()].sort((a, b) => a - b);
    this.exceptionDays = Float64Array.from(sorted);
    // adjustmentPrefix[k] = Σ over the first k exceptions of (+1 a weekend made a working day,
    // −1 a weekday made a holiday, 0 an exception that restates the default).
    this.adjustmentPrefix = new Int32Array(sorted.length + 1);
    sorted.forEach((n, k) => {
      const change = Number(this.exceptions.get(n)!) - Number(isWeekdayNumber(n));
      this.adjustmentPrefix[k + 1] = this.adjustmentPrefix[k]! + change;
    });
  }

  /** Whether a local date `YYYY-MM-DD` is a working day (false for an invalid date). */
  isWorkday(date: string): boolean {
    const n = dayNumberOf(date);
    return Number.isFinite(n) && this.isWorkdayNumber(n);
  }

  /** True on a public holiday (a day the exceptions make a day off), not on an ordinary weekend. */
  isHoliday(date: string): boolean {
    return this.exceptions.get(dayNumberOf(date)) === false;
  }

  /**
   * The instant `n` working days after `ms`, at the same local time of day. Counting starts with
   * the next local day, so a matter reported on Friday evening with a 1-working-day deadline is due
   * on Monday evening (or later if Monday is a holiday). `n` ≤ 0 returns `ms` itself; a fractional
   * `n` counts like the next whole number.
   * @throws RangeError when `n` is not finite (the count would never end)
   */
  addWorkingDays(ms: number, n: number): number {
    if (!Number.isFinite(n)) throw new RangeError(`addWorkingDays: n must be finite, got ${n}`);
    const start = localDayNumber(ms);
    let day = start;
    let counted = 0;
    while (counted < n) {
      day++;
      if (this.isWorkdayNumber(day)) counted++;
    }
    // Same local time of day, `day - start` whole days later (no daylight saving in China).
    return ms + (day - start) * DAY_MS;
  }

  /**
   * Whole working days elapsed from `fromMs` to `toMs`: the largest `n` with
   * `addWorkingDays(fromMs, n) <= toMs`, i.e. how many working days' deadlines have passed. This is
   * "overdue by N working days" when `fromMs` is the deadline. 0 when `toMs <= fromMs` (never
   * negative). Example: from Friday 18:00, Monday 17:59 gives 0 and Monday 18:00 gives 1.
   * O(log exceptions), whatever the span.
   */
  workingDaysBetween(fromMs: number, toMs: number): number {
    if (!(toMs > fromMs)) return 0;
    const fromDay = localDayNumber(fromMs);
    const toDay = localDayNumber(toMs);
    if (toDay === fromDay) return 0;
    // Working days strictly between the two dates, then the last date itself if its time of day
    // has reached the start's time of day.
    const between = this.workingDaysInRange(fromDay + 1, toDay);
    const fromTimeOfDay = fromMs - (fromDay * DAY_MS - SHANGHAI_OFFSET_MS);
    const toTimeOfDay = toMs - (toDay * DAY_MS - SHANGHAI_OFFSET_MS);
    return between + (this.isWorkdayNumber(toDay) && toTimeOfDay >= fromTimeOfDay ? 1 : 0);
  }

  private isWorkdayNumber(day: number): boolean {
    const exception = this.exceptions.get(day);
    return exception !== undefined ? exception : isWeekdayNumber(day);
  }

  /** Working days among day numbers [from, to). */
  private workingDaysInRange(from: number, to: number): number {
    if (to <= from) return 0;
    const adjustment = this.adjustmentPrefix[this.lowerBound(to)]! - this.adjustmentPrefix[this.lowerBound(from)]!;
    return weekdaysBefore(to) - weekdaysBefore(from) + adjustment;
  }

  /** Index of the first exception day ≥ `day`. */
  private lowerBound(day: number): number {
    let lo = 0;
    let hi = this.exceptionDays.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.exceptionDays[mid]! < day) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
