/**
 * The import dialog's state: which layer, file and coordinate system; the dry run (the server
 * checks every row and writes nothing) with its progress and report; then the commit, after which
 * the affected map layer is fetched again.
 *
 * Both steps upload the file to `POST /api/imports` and poll the job it answers with until it
 * ends. The state lives here rather than in the dialog, so closing the dialog does not lose a
 * running import: opening it again shows where it got to.
 */
import type { Permission } from '$geo/access';
import { IMPORT_LAYER_IDS, type ImportLayerId } from '$geo/layers';
import { ApiError, fetchImportJob, startImport } from './api/client';
import type { ImportJob, ImportMode, ImportReport, ImportRowOutcome } from './api/types';
import { errorMessage, isAbortError, isUnauthenticated } from './handle-error';
import type { CrsChoice } from './i18n.svelte';
import { layersManager } from './layers-manager.svelte';
import { regionsManager } from './regions-manager.svelte';
import { sessionManager } from './session-manager.svelte';

export type { CrsChoice };

export const CRS_CHOICES: readonly CrsChoice[] = ['auto', 'wgs84', 'cgcs2000', 'gcj02', 'bd09', 'epsg'];

/** The `crs` parameter of each fixed choice (`auto` sends none; `epsg` sends the typed code). */
const CRS_PARAMS: Record<Exclude<CrsChoice, 'auto' | 'epsg'>, string> = {
  wgs84: 'EPSG:4326',
  cgcs2000: 'EPSG:4490',
  gcj02: 'gcj02',
  bd09: 'bd09',
};

/**
 * What each layer needs besides `imports.run` (api/imports/targets.ts). Only to offer the layers
 * the user can import into: the server checks again.
 */
const LAYER_PERMISSION: Record<ImportLayerId, Permission> = {
  address_points: 'places.write',
  cameras: 'places.write',
  key_places: 'places.write',
  incidents: 'imports.run',
  regions: 'regions.write',
};

/** How often a running job is asked for its progress. */
const POLL_MS = 300;
/** Rows listed in the dialog (rejected first); the CSV report has them all. */
export const ROWS_SHOWN = 200;
/** The API's largest page of rows. */
const ROW_PAGE_MAX = 1000;

/**
 * - `choose`: picking layer, file and CRS (no report, or a report of other choices was dropped)
 * - `dry-run` / `commit`: that job is running
 * - `checked`: the dry run's report is shown and may be committed
 * - `done`: the commit's report is shown
 */
export type ImportStep = 'choose' | 'dry-run' | 'commit' | 'checked' | 'done';

export interface ImportFailure {
  title: 'importDryRunFailed' | 'importFailed' | 'importRefused';
  message: string;
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = window.setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      window.clearTimeout(timer);
      reject(new DOMException('The import was cancelled', 'AbortError'));
    }, { once: true });
  });
}

/** A job that ended in failure, as the error its own request would have been. */
function jobError(job: ImportJob): ApiError {
  const error = job.error ?? { status: 500, code: 'InternalError', message: 'The import ended without a report' };
  return new ApiError(error.status, error.code, error.message, null);
}

class ImportManager {
  /** Whether the dialog is shown. */
  open = $state(false);
  layer = $state<ImportLayerId>('key_places');
  file = $state.raw<File | null>(null);
  crs = $state<CrsChoice>('auto');
  /** The code typed when `crs` is `epsg`. */
  epsgCode = $state('');
  step = $state<ImportStep>('choose');
  /** The running (or last) job as last polled: its phase and counts. */
  job = $state.raw<ImportJob | null>(null);
  /** The last finished report (the dry run's, then the commit's); its `rows` are not used. */
  report = $state.raw<ImportReport | null>(null);
  /** Up to ROWS_SHOWN rows of `report`, rejected first. */
  rows = $state.raw<ImportRowOutcome[]>([]);
  rowsStatus = $state<'idle' | 'loading' | 'loaded' | 'error'>('idle');
  /** Link to the full per-row CSV of `report`. */
  reportCsv = $state<string | null>(null);
  /** The user's consent to commit without the rejected rows (`skipRejected=true`). */
  skipRejected = $state(false);
  failure = $state.raw<ImportFailure | null>(null);

  /** Layers this user may import into, in catalogue order. */
  layers = $derived(
    sessionManager.can('imports.run') ? IMPORT_LAYER_IDS.filter((id) => sessionManager.can(LAYER_PERMISSION[id])) : [],
  );
  running = $derived(this.step === 'dry-run' || this.step === 'commit');
  /** The `crs` parameter to send: undefined for automatic, null while the EPSG code is not a number. */
  crsParam = $derived.by((): string | null | undefined => {
    if (this.crs === 'auto') return undefined;
    if (this.crs !== 'epsg') return CRS_PARAMS[this.crs];
    const code = this.epsgCode.trim().replace(/^epsg\s*:\s*/i, '');
    return /^\d{4,6}$/.test(code) ? `EPSG:${code}` : null;
  });
  canDryRun = $derived(!this.running && this.file !== null && this.crsParam !== null && this.layers.includes(this.layer));
  /** Rows the commit would write (new and updated). */
  toWrite = $derived(this.report && this.step === 'checked' ? this.report.counts.create + this.report.counts.update : 0);
  canCommit = $derived(
    this.step === 'checked' && this.report !== null && this.toWrite > 0
      && (this.report.counts.rejected === 0 || this.skipRejected),
  );

  #controller: AbortController | null = null;

  show(): void {
    if (!this.layers.includes(this.layer) && this.layers[0]) this.layer = this.layers[0];
    this.open = true;
  }

  close(): void {
    this.open = false;
  }

  setLayer(layer: ImportLayerId): void {
    this.layer = layer;
    this.#choicesChanged();
  }

  setFile(file: File | null): void {
    this.file = file;
    this.#choicesChanged();
  }

  setCrs(crs: CrsChoice): void {
    this.crs = crs;
    this.#choicesChanged();
  }

  setEpsgCode(code: string): void {
    this.epsgCode = code;
    this.#choicesChanged();
  }

  /** Back to choosing, keeping the layer and CRS (after a commit: "import another file"). */
  again(): void {
    this.#cancel();
    this.file = null;
    this.#clearReport();
    this.step = 'choose';
  }

  /** Checks the file: every row reported, nothing written. */
  dryRun(): Promise<void> {
    return this.canDryRun ? this.#run('dry-run') : Promise.resolve();
  }

  /** Writes the rows the dry run reported (all or none; without the rejected ones when agreed). */
  commit(): Promise<void> {
    return this.canCommit ? this.#run('commit') : Promise.resolve();
  }

  /** Forgets everything (the user signed out; the next one starts afresh). */
  reset(): void {
    this.#cancel();
    this.open = false;
    this.layer = 'key_places';
    this.file = null;
    this.crs = 'auto';
    this.epsgCode = '';
    this.step = 'choose';
    this.#clearReport();
  }

  async #run(mode: ImportMode): Promise<void> {
    const file = this.file;
    const crs = this.crsParam;
    if (!file || crs === null) return;
    this.#cancel();
    const controller = new AbortController();
    this.#controller = controller;
    const { signal } = controller;
    const layer = this.layer;
    this.failure = null;
    this.job = null;
    this.step = mode;
    if (mode === 'dry-run') this.#clearReport();
    try {
      let job = await startImport(
        { layer, mode, fileName: file.name, ...(crs ? { crs } : {}), skipRejected: mode === 'commit' && this.skipRejected },
        file, signal,
      );
      this.job = job;
      while (job.state === 'running') {
        await delay(POLL_MS, signal);
        job = await fetchImportJob(job.id, { limit: 0 }, signal);
        this.job = job;
      }
      if (job.state === 'failed' || !job.report) throw jobError(job);
      const report = job.report;
      this.report = report;
      this.reportCsv = job.links.report;
      this.rows = [];
      if (mode === 'commit' && !report.committed) {
        // The rejected rows changed since the dry run (someone else's edits): nothing was written.
        this.failure = { title: 'importRefused', message: report.refused ?? '' };
        this.skipRejected = false;
        this.step = 'checked';
      } else {
        this.step = mode === 'commit' ? 'done' : 'checked';
      }
      if (mode === 'commit' && report.committed) void this.#refreshMap(layer);
      await this.#loadRows(job, signal);
    } catch (error) {
      if (signal.aborted || isAbortError(error)) return;
      if (isUnauthenticated(error)) return; // the sign-in screen takes over
      if (error instanceof ApiError) console.warn(`import ${mode}: ${error.code} (${error.status}) request ${error.requestId ?? '-'}`);
      else console.error(`import ${mode}`, error);
      this.failure = { title: mode === 'commit' ? 'importFailed' : 'importDryRunFailed', message: errorMessage(error) };
      // A failed commit wrote nothing: the dry run's report still stands.
      this.step = mode === 'commit' && this.report ? 'checked' : 'choose';
    } finally {
      if (this.#controller === controller) this.#controller = null;
    }
  }

  /** Up to ROWS_SHOWN rows: the rejected ones first, then the others in file order. */
  async #loadRows(job: ImportJob, signal: AbortSignal): Promise<void> {
    const counts = job.report!.counts;
    this.rowsStatus = 'loading';
    try {
      const rejected = counts.rejected > 0
        ? (await fetchImportJob(job.id, { action: 'rejected', limit: ROWS_SHOWN }, signal)).report?.rows ?? []
        : [];
      const room = ROWS_SHOWN - rejected.length;
      let others: ImportRowOutcome[] = [];
      if (room > 0 && counts.create + counts.update + counts.unchanged > 0) {
        // The first `room + rejected` rows hold at least `room` others when there are that many.
        const limit = Math.min(ROW_PAGE_MAX, room + counts.rejected);
        const page = (await fetchImportJob(job.id, { limit }, signal)).report?.rows ?? [];
        others = page.filter((r) => r.action !== 'rejected').slice(0, room);
      }
      this.rows = [...rejected, ...others];
      this.rowsStatus = 'loaded';
    } catch (error) {
      if (signal.aborted || isAbortError(error)) return;
      if (error instanceof ApiError) console.warn(`import rows: ${error.code} (${error.status})`);
      else console.error('import rows', error);
      this.rowsStatus = 'error';
    }
  }

  /** The import changed `layer` on the server: the map fetches it again (regions: the tree too). */
  async #refreshMap(layer: ImportLayerId): Promise<void> {
    await layersManager.refresh(layer);
    if (layer === 'regions') await regionsManager.load();
  }

  /** Shows `layer` on the map (after an import into it) and closes the dialog. */
  showOnMap(): void {
    const layer = this.report?.layer ?? this.layer;
    if (layersManager.find(layer)) layersManager.setVisible(layer, true);
    this.close();
  }

  #choicesChanged(): void {
    // A report describes one layer, file and CRS: other choices need another dry run.
    if (this.running) return;
    if (this.step === 'checked' || this.step === 'done') this.step = 'choose';
    this.#clearReport();
  }

  #clearReport(): void {
    this.job = null;
    this.report = null;
    this.rows = [];
    this.rowsStatus = 'idle';
    this.reportCsv = null;
    this.skipRejected = false;
    this.failure = null;
  }

  #cancel(): void {
    this.#controller?.abort();
    this.#controller = null;
  }
}

export const importManager = new ImportManager();
