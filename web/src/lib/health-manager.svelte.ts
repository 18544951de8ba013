/** The API's /health answer, shown as a small status line (database kind, PostGIS version). */
import { fetchHealth } from './api/client';
import type { HealthResponse } from './api/types';
import { isAbortError } from './handle-error';

class HealthManager {
  health = $state.raw<HealthResponse | null>(null);
  /** True once a health check has failed; the map's own loads report the details. */
  unreachable = $state(false);

  async check(signal?: AbortSignal): Promise<void> {
    try {
      this.health = await fetchHealth(signal);
      this.unreachable = false;
    } catch (error) {
      if (!isAbortError(error)) this.unreachable = true;
    }
  }
}

export const healthManager = new HealthManager();
