import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal.js';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ApiError, fromDatabaseError, type ErrorCode } from '../errors.js';
import type { ImportProgress, ImportReport } from './pipeline.js';

/**
 * Imports run as jobs so a long one reports progress (GET /api/imports/jobs/{id}) instead of
 * holding a request open. Jobs live in this process's memory for an hour after they end: the
 * lasting record of a committed import is its import_batches row and audit entry. Only the
 * caller who started a job can read it.
 */
export type JobState = 'running' | 'done' | 'failed';

export interface ImportJob {
  readonly id: string;
  readonly owner: string;
  readonly layer: string;
  readonly fileName: string;
  readonly startedAt: string;
  state: JobState;
  progress: ImportProgress;
  endedAt: string | null;
  report: ImportReport | null;
  error: { status: ContentfulStatusCode; code: ErrorCode; message: string } | null;
  /** Resolves when the job ends (for `wait=true`). */
  readonly finished: Promise<void>;
}

const KEEP_MS = 60 * 60 * 1000;
/** Imports hold whole files in memory and one transaction each: a few at a time. */
const MAX_RUNNING = 2;

export const ownerOf = (p: Principal) => (p.staffId !== null ? `staff:${p.staffId}` : `token:${p.tokenId}`);

export class ImportJobs {
  private readonly jobs = new Map<string, ImportJob>();

  start(
    principal: Principal, layer: string, fileName: string,
    work: (onProgress: (p: ImportProgress) => void) => Promise<ImportReport>,
    onUnexpected: (error: unknown) => void,
  ): ImportJob {
    this.prune();
    const running = [...this.jobs.values()].filter((j) => j.state === 'running').length;
    if (running >= MAX_RUNNING) throw new ApiError(503, 'ServiceUnavailable', `${running} imports are running: try again when one has finished`);
    let finish!: () => void;
    const job: ImportJob = {
      id: randomUUID(), owner: ownerOf(principal), layer, fileName, startedAt: new Date().toISOString(),
      state: 'running', progress: { phase: 'reading', done: 0, total: null }, endedAt: null, report: null, error: null,
      finished: new Promise<void>((resolve) => { finish = resolve; }),
    };
    this.jobs.set(job.id, job);
    void work((p) => { job.progress = p; })
      .then((report) => {
        job.report = report;
        job.state = 'done';
      })
      .catch((error: unknown) => {
        job.state = 'failed';
        const known = error instanceof ApiError ? error : fromDatabaseError(error);
        if (known) {
          job.error = { status: known.status, code: known.code, message: `${known.message}; nothing was written` };
        } else {
          onUnexpected(error);
          job.error = { status: 500, code: 'InternalError', message: 'The import failed; nothing was written' };
        }
      })
      .finally(() => {
        job.endedAt = new Date().toISOString();
        finish();
      });
    return job;
  }

  /** The caller's job; 404 for another caller's, like a missing one. */
  get(principal: Principal, id: string): ImportJob {
    this.prune();
    const job = this.jobs.get(id);
    if (!job || job.owner !== ownerOf(principal)) throw new ApiError(404, 'NotFound', `No import job ${id}`);
    return job;
  }

  private prune(): void {
    const now = Date.now();
    for (const [id, job] of this.jobs) {
      if (job.endedAt && now - Date.parse(job.endedAt) > KEEP_MS) this.jobs.delete(id);
    }
  }
}
