import { ApiError } from './errors.js';

/** Refuses query parameters the route does not know, so a typo is an error rather than silently ignored. */
export function rejectUnknownParameters(url: string, allowed: readonly string[]): void {
  for (const key of new URL(url).searchParams.keys()) {
    if (!allowed.includes(key)) {
      throw new ApiError(400, 'UnknownParameter', `Unknown query parameter "${key}". Allowed: ${allowed.join(', ') || 'none'}`);
    }
  }
}
