/**
 * Local time of the product: Asia/Shanghai (DESIGN.md: working days, hours of day and "today" are
 * counted in it).
 *
 * China has had no daylight-saving time since 1991, so local time is UTC+8 all year: a fixed offset
 * is exact and keeps every computation free of time-zone databases (and therefore the same on any
 * machine, whatever its TZ setting, in the API and in the browser).
 */

export const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
export const DAY_MS = 24 * 3600 * 1000;

/** Local calendar date `YYYY-MM-DD` of an instant (epoch milliseconds). */
export function localDate(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Local hour of day 0–23 of an instant. */
export function localHour(ms: number): number {
  return new Date(ms + SHANGHAI_OFFSET_MS).getUTCHours();
}

/** Local ISO weekday 1 (Monday) … 7 (Sunday) of a `YYYY-MM-DD` date. */
export function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/** Epoch milliseconds of a local wall-clock time on a local date. */
export function localToUtcMs(date: string, hour = 0, minute = 0, second = 0): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d, hour, minute, second) - SHANGHAI_OFFSET_MS;
}

/** `date` plus `days` calendar days, as `YYYY-MM-DD`. */
export function addDays(date: string, days: number): string {
  return new Date(new Date(`${date}T00:00:00Z`).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}
