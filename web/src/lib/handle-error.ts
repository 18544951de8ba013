/**
 * The one place failures are turned into something the user sees. Cancelled requests (AbortError)
 * are expected whenever the view moves on and are ignored, and so is 401: the session ended, and
 * the sign-in screen that replaces the map says so. API errors show the server's message; anything
 * else shows a generic message, with the cause kept in the console for developers.
 */
import { ApiError } from './api/client';
import { i18n } from './i18n.svelte';
import { toastManager } from './toast-manager.svelte';

export function isAbortError(error: unknown): boolean {
  return (
    (error instanceof DOMException && error.name === 'AbortError') ||
    (error instanceof Error && error.name === 'AbortError')
  );
}

/** A user-facing message for `error`: the server's own message when it sent one. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return i18n.t.offline; // fetch() rejects with TypeError when unreachable
  return i18n.t.unexpectedError;
}

/** Whether `error` is the API saying the session is gone (the sign-in screen takes over). */
export function isUnauthenticated(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

/**
 * Reports `error` under `title` (already translated). Returns the message shown, or null when the
 * error was a cancellation or an ended session and nothing was shown.
 */
export function handleError(error: unknown, title: string): string | null {
  if (isAbortError(error) || isUnauthenticated(error)) return null;
  const message = errorMessage(error);
  if (error instanceof ApiError) {
    console.warn(`${title}: ${error.code} (${error.status}) request ${error.requestId ?? '-'}`);
  } else {
    console.error(title, error);
  }
  toastManager.show('error', title, message);
  return message;
}
