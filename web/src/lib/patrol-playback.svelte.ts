/**
 * Patrol playback: replays one local day of the patrol tracks loaded for the view, a moving dot per
 * worker on patrol and the ground walked so far drawn over the day's tracks. The API's tracks carry
 * their start and end time but not a time per vertex, so a worker is placed by distance along the
 * track in proportion to the time elapsed (a steady walking pace): right at the start and end, and
 * within the track everywhere between.
 */
import { addDays } from '$geo/local-time';
import type { LayerFeatureCollection, PatrolTrackProperties } from './api/types';
import { filtersManager } from './filters.svelte';

/** Playback speed: local minutes per second of real time (a day in 48 s). */
export const PLAYBACK_MINUTES_PER_SECOND = 30;
const FRAME_MS = 100;

export interface PlaybackTrack {
  id: string | number;
  workerId: string | number;
  path: [number, number][];
  /** Cumulative length at each vertex, in degrees-ish planar units (only ratios are used). */
  cumulative: number[];
  startMs: number;
  endMs: number;
}

/** The position `share` (0–1) of the way along `track`, and the path walked up to it. */
export function pointAlong(track: PlaybackTrack, share: number): { position: [number, number]; walked: [number, number][] } {
  const total = track.cumulative.at(-1) ?? 0;
  const target = Math.min(1, Math.max(0, share)) * total;
  const path = track.path;
  if (path.length === 1 || total === 0) return { position: path[0]!, walked: [path[0]!] };
  let i = 1;
  while (i < path.length - 1 && track.cumulative[i]! < target) i++;
  const a = path[i - 1]!;
  const b = path[i]!;
  const span = track.cumulative[i]! - track.cumulative[i - 1]!;
  const f = span > 0 ? (target - track.cumulative[i - 1]!) / span : 0;
  const position: [number, number] = [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f];
  return { position, walked: [...path.slice(0, i), position] };
}

/** The tracks of `data` that overlap the local day `date`, ready for playback. */
export function tracksOfDay(data: LayerFeatureCollection<'patrol_tracks'> | null, date: string): PlaybackTrack[] {
  const dayStart = Date.parse(`${date}T00:00:00+08:00`);
  const dayEnd = Date.parse(`${addDays(date, 1)}T00:00:00+08:00`);
  const tracks: PlaybackTrack[] = [];
  for (const f of data?.features ?? []) {
    const p = f.properties as PatrolTrackProperties;
    const startMs = Date.parse(p.started_at);
    const endMs = p.ended_at ? Date.parse(p.ended_at) : startMs;
    if (!(endMs > dayStart && startMs < dayEnd) || f.geometry?.type !== 'LineString') continue;
    const path = f.geometry.coordinates.map((c) => [c[0]!, c[1]!] as [number, number]);
    const cumulative = [0];
    for (let i = 1; i < path.length; i++) {
      const dx = (path[i]![0] - path[i - 1]![0]) * Math.cos((path[i]![1] * Math.PI) / 180);
      cumulative.push(cumulative[i - 1]! + Math.hypot(dx, path[i]![1] - path[i - 1]![1]));
    }
    tracks.push({ id: p.id, workerId: p.worker_id, path, cumulative, startMs, endMs });
  }
  return tracks;
}

class PatrolPlayback {
  /** The local day replayed; defaults to the last day of the filters' window. */
  day = $state<string | null>(null);
  playing = $state(false);
  /** Current instant of the replay (epoch ms), or null before it starts. */
  clockMs = $state<number | null>(null);
  #timer: number | undefined;

  get replayedDay(): string {
    return this.day ?? filtersManager.to;
  }

  dayStartMs(): number {
    return Date.parse(`${this.replayedDay}T00:00:00+08:00`);
  }

  play(): void {
    const start = this.dayStartMs();
    if (this.clockMs === null || this.clockMs >= start + 86_400_000) this.clockMs = start;
    this.playing = true;
    window.clearInterval(this.#timer);
    this.#timer = window.setInterval(() => {
      const next = (this.clockMs ?? start) + PLAYBACK_MINUTES_PER_SECOND * 60_000 * (FRAME_MS / 1000);
      if (next >= start + 86_400_000) {
        this.clockMs = start + 86_400_000;
        this.pause();
      } else this.clockMs = next;
    }, FRAME_MS);
  }

  pause(): void {
    this.playing = false;
    window.clearInterval(this.#timer);
  }

  /** Jumps to `minutes` after local midnight of the replayed day. */
  seek(minutes: number): void {
    this.clockMs = this.dayStartMs() + minutes * 60_000;
  }

  setDay(date: string): void {
    this.day = date;
    this.clockMs = this.playing ? this.dayStartMs() : null;
  }

  stop(): void {
    this.pause();
    this.clockMs = null;
  }
}

export const patrolPlayback = new PatrolPlayback();
