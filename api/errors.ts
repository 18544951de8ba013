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
  | 'InternalError';

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
