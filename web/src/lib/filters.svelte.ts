/**
 * The filters every incident layer, analytic layer and chart follows: a time window in local dates
 * (Asia/Shanghai), an optional hour-of-day band and the incident category, level, status and source
 * lists (empty = all). One object, so that a change here reaches the map, the panels and the URL.
 *
 * Two renderings of the same filters: `analyticsParams` for `/api/analytics/*` (local dates) and
 * `tileParams` for `/tiles/incidents/*` (instants, the tiles' own convention).
 */
import {
  INCIDENT_CATEGORIES, INCIDENT_LEVELS, INCIDENT_SOURCES, INCIDENT_STATUSES,
  type IncidentCategory, type IncidentLevel, type IncidentSource, type IncidentStatus,
} from '$geo/layers';
import { addDays, localDate } from '$geo/local-time';

/** The slider's span: the demo (and a typical deployment's live view) covers the last 12 months. */
export const SPAN_DAYS = 365;
/** The window the client opens with. */
export const DEFAULT_WINDOW_DAYS = 90;

export interface FilterValues {
  from: string;
  to: string;
  /** Local hour band, `to` exclusive, may wrap (22–6); null = the whole day. */
  hours: [number, number] | null;
  categories: IncidentCategory[];
  levels: IncidentLevel[];
  statuses: IncidentStatus[];
  sources: IncidentSource[];
}

export const FILTER_CHOICES = {
  categories: INCIDENT_CATEGORIES,
  levels: INCIDENT_LEVELS,
  statuses: INCIDENT_STATUSES,
  sources: INCIDENT_SOURCES,
} as const;

export type ListFilter = keyof typeof FILTER_CHOICES;

/** The instant of local midnight starting `date`, as ISO 8601 with the +08:00 offset. */
function localMidnightIso(date: string): string {
  return `${date}T00:00:00+08:00`;
}

class FiltersManager {
  /** Today as a local date, refreshed by `refreshToday` (the client may stay open past midnight). */
  today = $state(localDate(Date.now()));
  from = $state(addDays(localDate(Date.now()), -(DEFAULT_WINDOW_DAYS - 1)));
  to = $state(localDate(Date.now()));
  hours = $state.raw<[number, number] | null>(null);
  categories = $state.raw<IncidentCategory[]>([]);
  levels = $state.raw<IncidentLevel[]>([]);
  statuses = $state.raw<IncidentStatus[]>([]);
  sources = $state.raw<IncidentSource[]>([]);

  /** First date the slider reaches. */
  spanStart = $derived(addDays(this.today, -(SPAN_DAYS - 1)));

  /** Canonical text of every filter: effects that fetch depend on this one value. */
  key = $derived(this.analyticsParams().toString());

  values(): FilterValues {
    return {
      from: this.from, to: this.to, hours: this.hours,
      categories: this.categories, levels: this.levels, statuses: this.statuses, sources: this.sources,
    };
  }

  /** Sets any subset of the filters at once (one change, one refetch). Dates are clamped into order. */
  set(values: Partial<FilterValues>): void {
    if (values.from !== undefined) this.from = values.from;
    if (values.to !== undefined) this.to = values.to;
    if (this.from > this.to) [this.from, this.to] = [this.to, this.from];
    if (values.hours !== undefined) this.hours = values.hours;
    if (values.categories) this.categories = values.categories;
    if (values.levels) this.levels = values.levels;
    if (values.statuses) this.statuses = values.statuses;
    if (values.sources) this.sources = values.sources;
  }

  toggle<K extends ListFilter>(list: K, value: (typeof FILTER_CHOICES)[K][number]): void {
    const current = this[list] as string[];
    const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
    // Keep the catalogue's order so the URL and cache keys do not depend on click order.
    const order = FILTER_CHOICES[list] as readonly string[];
    this.set({ [list]: order.filter((v) => next.includes(v)) } as Partial<FilterValues>);
  }

  reset(): void {
    this.set({
      from: addDays(this.today, -(DEFAULT_WINDOW_DAYS - 1)), to: this.today, hours: null,
      categories: [], levels: [], statuses: [], sources: [],
    });
  }

  refreshToday(nowMs = Date.now()): void {
    this.today = localDate(nowMs);
  }

  /** The shared analytics parameters (without `region`: the focus adds it). */
  analyticsParams(): URLSearchParams {
    const p = new URLSearchParams({ from: this.from, to: this.to });
    if (this.hours) p.set('hours', `${this.hours[0]}-${this.hours[1]}`);
    if (this.categories.length) p.set('category', this.categories.join(','));
    if (this.levels.length) p.set('level', this.levels.join(','));
    if (this.statuses.length) p.set('status', this.statuses.join(','));
    if (this.sources.length) p.set('source', this.sources.join(','));
    return p;
  }

  /** The same filters for incident vector tiles: `from`/`to` instants ([from, to) in local days). */
  tileParams(): URLSearchParams {
    const p = new URLSearchParams({ from: localMidnightIso(this.from), to: localMidnightIso(addDays(this.to, 1)) });
    if (this.categories.length) p.set('category', this.categories.join(','));
    if (this.levels.length) p.set('level', this.levels.join(','));
    if (this.statuses.length) p.set('status', this.statuses.join(','));
    if (this.sources.length) p.set('source', this.sources.join(','));
    return p;
  }
}

export const filtersManager = new FiltersManager();
