import type { Context } from 'hono';
import { ZodError, type ZodType } from 'zod';
import { ApiError } from '../errors.js';

/** The request's JSON body; 415 unless it is sent as JSON (which also keeps HTML forms out), 400 if unreadable. */
export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) throw new ApiError(415, 'UnsupportedMediaType', 'Send the body as application/json');
  try {
    return await c.req.json();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(400, 'ValidationFailed', 'The body is not valid JSON');
  }
}

/** Reads and validates a JSON body: 400 naming every field that is wrong. */
export async function readBody<T>(c: Context, schema: ZodType<T>): Promise<T> {
  const parsed = schema.safeParse(await readJson(c));
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

export function validationError(error: ZodError): ApiError {
  const problems = error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
  return new ApiError(400, 'ValidationFailed', problems.join('; '));
}
