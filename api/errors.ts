import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every error code the API sends. Clients switch on these; the message is for people. */
export type ErrorCode =
  | 'InvalidParameter'
  | 'UnknownParameter'
  | 'InvalidBbox'
  | 'LimitTooLarge'
  | 'NotFound'
  | 'UnknownLayer'
  | 'ServiceUnavailable'
  | 'InternalError'
  | 'Unauthenticated'
  | 'InvalidCredentials'
  | 'TooManyAttempts'
  | 'Forbidden'
  | 'CsrfRejected'
  | 'OutOfScope'
  | 'ValidationFailed'
  | 'PersonalData'
  | 'Conflict'
  | 'StaleWrite'
  | 'InvalidTransition'
  | 'PayloadTooLarge'
  | 'PreconditionRequired'
  | 'UnsupportedMediaType';

/** An error that carries its HTTP meaning. Its message is shown to the caller, so keep causes out of it. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string };
}

export function errorBody(code: ErrorCode, message: string, requestId: string): ErrorBody {
  return { error: { code, message, requestId } };
}

/**
 * Maps a PostgreSQL error to what the caller may know: the meaning, never the SQL, the table,
 * the constraint or the policy name. Returns null for errors that are ours (logged as 500).
 */
export function fromDatabaseError(error: unknown): ApiError | null {
  const e = error as { code?: unknown; message?: unknown };
  if (typeof e?.code !== 'string' || e.code.length !== 5) return null;
  const message = typeof e.message === 'string' ? e.message : '';
  switch (e.code) {
    case '42501':
      return /row-level security/i.test(message)
        ? new ApiError(403, 'OutOfScope', 'The change would place the record outside your region')
        : new ApiError(403, 'Forbidden', 'Your role may not do this');
    case '23505':
      return new ApiError(409, 'Conflict', 'A record with the same key exists already');
    case '23503':
      return new ApiError(400, 'ValidationFailed', 'The record refers to something that does not exist');
    case '23514':
      // The database's privacy guard (0003): the constraint's name is internal, its meaning is not.
      if (/_no_personal_numbers/.test(message)) {
        return new ApiError(400, 'PersonalData', 'A free-text field contains an ID-card or mobile number; personal numbers must not be stored');
      }
      return new ApiError(400, 'ValidationFailed', 'A value is not allowed here');
    case '23502':
    case '22P02':
    case '22003':
    case '22007':
    case '22008':
      return new ApiError(400, 'ValidationFailed', 'A value is not allowed here');
    case '40001':
    case '40P01':
      return new ApiError(409, 'Conflict', 'A concurrent change got in the way: try again');
    case '57014':
      return new ApiError(503, 'ServiceUnavailable', 'The query took too long and was cancelled');
    default:
      return null;
  }
}
