import { ApiError } from './errors.js';

/** Refuses query parameters the route does not know, so a typo is an error rather than silently ignored. */
export function rejectUnknownParameters(url: string, allowed: readonly string[]): void {
  for (const key of new URL(url).searchParams.keys()) {
    if (!allowed.includes(key)) {
      throw new ApiError(400, 'UnknownParameter', `Unknown query parameter "${key}". Allowed: ${allowed.join(', ') || 'none'}`);
    }
  }
}

/** A positive integer id from a path segment; 404 for anything else (it cannot name a record). */
export function parseId(raw: string): number {
  const id = /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(id)) throw new ApiError(404, 'NotFound', `No record "${raw}"`);
  return id;
}
