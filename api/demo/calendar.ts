/**
 * The holiday table used by the demo generator to fill `calendar_days`. Local time and working-day
 * arithmetic live in `geo/` (shared with the API's deadline analytics); re-exported here for the
 * generator's modules.
 */
import { addDays } from '../../geo/local-time.js';

export { SHANGHAI_OFFSET_MS, DAY_MS, localDate, localHour, isoWeekday, localToUtcMs, addDays } from '../../geo/local-time.js';
export { WorkCalendar } from '../../geo/working-days.js';

export interface CalendarDay {
  day: string;
  is_workday: boolean;
  name: string | null;
}

interface HolidayYear {
  /** [name, first day off, last day off] (MM-DD). */
  off: readonly (readonly [string, string, string])[];
  /** Weekend days swapped into working days (MM-DD) and the holiday they make up for. */
  work: readonly (readonly [string, string])[];
}

/**
 * Public holidays as announced by the State Council's General Office for 2023–2026 (transcribed
 * from the published notices; the demo only needs them approximately right). 2027 had not been
 * announced when this table was written: its dates follow the lunar calendar with no swapped
 * working days, which is what the real notice will roughly look like.
 */
const HOLIDAYS: Readonly<Record<number, HolidayYear>> = {
  2023: {
    off: [['元旦', '01-01', '01-02'], ['春节', '01-21', '01-27'], ['清明节', '04-05', '04-05'],
      ['劳动节', '04-29', '05-03'], ['端午节', '06-22', '06-24'], ['中秋节、国庆节', '09-29', '10-06']],
    work: [['01-28', '春节'], ['01-29', '春节'], ['04-23', '劳动节'], ['05-06', '劳动节'],
      ['06-25', '端午节'], ['10-07', '国庆节'], ['10-08', '国庆节']],
  },
  2024: {
    off: [['元旦', '01-01', '01-01'], ['春节', '02-10', '02-17'], ['清明节', '04-04', '04-06'],
      ['劳动节', '05-01', '05-05'], ['端午节', '06-08', '06-10'], ['中秋节', '09-15', '09-17'],
      ['国庆节', '10-01', '10-07']],
    work: [['02-04', '春节'], ['02-18', '春节'], ['04-07', '清明节'], ['04-28', '劳动节'],
      ['05-11', '劳动节'], ['09-14', '中秋节'], ['09-29', '国庆节'], ['10-12', '国庆节']],
  },
  2025: {
    off: [['元旦', '01-01', '01-01'], ['春节', '01-28', '02-04'], ['清明节', '04-04', '04-06'],
      ['劳动节', '05-01', '05-05'], ['端午节', '05-31', '06-02'], ['国庆节、中秋节', '10-01', '10-08']],
    work: [['01-26', '春节'], ['02-08', '春节'], ['04-27', '劳动节'], ['09-28', '国庆节'], ['10-11', '国庆节']],
  },
  2026: {
    off: [['元旦', '01-01', '01-03'], ['春节', '02-15', '02-23'], ['清明节', '04-04', '04-06'],
      ['劳动节', '05-01', '05-05'], ['端午节', '06-19', '06-21'], ['中秋节', '09-25', '09-27'],
      ['国庆节', '10-01', '10-07']],
    work: [['01-04', '元旦'], ['02-14', '春节'], ['02-28', '春节'], ['05-09', '劳动节'],
      ['09-20', '国庆节'], ['10-10', '国庆节']],
  },
  2027: {
    off: [['元旦', '01-01', '01-03'], ['春节', '02-05', '02-11'], ['清明节', '04-03', '04-05'],
      ['劳动节', '05-01', '05-05'], ['端午节', '06-09', '06-09'], ['中秋节', '09-15', '09-15'],
      ['国庆节', '10-01', '10-07']],
    work: [],
  },
};

/** Years outside the table get the fixed-date holidays only (an approximation, said so here). */
function fallbackYear(): HolidayYear {
  return {
    off: [['元旦', '01-01', '01-01'], ['劳动节', '05-01', '05-05'], ['国庆节', '10-01', '10-07']],
    work: [],
  };
}

/** Holiday and swapped-working-day rows for the given years (the `calendar_days` table). */
export function holidayCalendar(years: readonly number[]): CalendarDay[] {
  const rows = new Map<string, CalendarDay>();
  for (const year of years) {
    const spec = HOLIDAYS[year] ?? fallbackYear();
    for (const [name, from, to] of spec.off) {
      // 元旦 may start on 31 December of the previous year; all table entries are within `year`.
      for (let d = `${year}-${from}`; d <= `${year}-${to}`; d = addDays(d, 1)) {
        rows.set(d, { day: d, is_workday: false, name });
      }
    }
    for (const [day, name] of spec.work) {
      rows.set(`${year}-${day}`, { day: `${year}-${day}`, is_workday: true, name: `${name}调休上班` });
    }
  }
  return [...rows.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}
