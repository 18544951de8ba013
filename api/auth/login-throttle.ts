/**
 * Login rate limit and temporary lockout, kept in memory (one server process per embedded database;
 * behind several servers each keeps its own count, which only makes the limit stricter per server).
 *
 * Failures are counted per key (the username, and separately the client address) in a sliding
 * window; reaching `maxFailures` locks the key for `lockoutMs`, doubling for each further lockout
 * up to `maxLockoutMs`. A success clears the username's count.
 */
export interface LoginThrottleOptions {
  maxFailures: number;
  windowMs: number;
  lockoutMs: number;
  maxLockoutMs: number;
  /** Injected clock, for tests. */
  now?: () => number;
}

interface KeyState {
  failures: number[];
  lockedUntil: number;
  lockouts: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  maxFailures: 5,
  windowMs: 15 * 60_000,
  lockoutMs: 5 * 60_000,
  maxLockoutMs: 60 * 60_000,
};

export class LoginThrottle {
  private readonly states = new Map<string, KeyState>();
  private readonly now: () => number;

  constructor(private readonly options: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE) {
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds until any of `keys` may try again; 0 when all may try now. */
  retryAfterMs(keys: readonly string[]): number {
    const t = this.now();
    return Math.max(0, ...keys.map((k) => (this.states.get(k)?.lockedUntil ?? 0) - t));
  }

  recordFailure(keys: readonly string[]): void {
    const t = this.now();
    for (const key of keys) {
      const state = this.states.get(key) ?? { failures: [], lockedUntil: 0, lockouts: 0 };
      state.failures = state.failures.filter((at) => t - at < this.options.windowMs);
      state.failures.push(t);
      if (state.failures.length >= this.options.maxFailures) {
        const lockMs = Math.min(this.options.maxLockoutMs, this.options.lockoutMs * 2 ** state.lockouts);
        state.lockedUntil = t + lockMs;
        state.lockouts++;
        state.failures = [];
      }
      this.states.set(key, state);
    }
    this.prune(t);
  }

  recordSuccess(key: string): void {
    this.states.delete(key);
  }

  /** Drops idle keys so the map cannot grow without bound under a spray of usernames. */
  private prune(t: number): void {
    if (this.states.size < 10_000) return;
    for (const [key, s] of this.states) {
      if (s.lockedUntil < t && s.failures.every((at) => t - at >= this.options.windowMs)) this.states.delete(key);
    }
  }
}
