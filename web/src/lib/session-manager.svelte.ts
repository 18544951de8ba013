/**
 * Who is signed in. The app starts by asking /api/auth/me: a live session cookie signs straight in,
 * a 401 shows the sign-in screen. Any later 401 from the API (30 minutes idle, the 12-hour limit,
 * signed out in another tab) ends the session here too, and the sign-in screen says why.
 *
 * The session itself is an HttpOnly cookie the page cannot read; what is kept here (the user, their
 * permissions, the CSRF token in the API client) lives in memory and goes with the tab.
 */
import type { Permission } from '$geo/access';
import { ApiError, fetchMe, login, logout, onSessionEnded, setCsrfToken } from './api/client';
import type { LoginResponse, SessionUser } from './api/types';
import { errorMessage, handleError, isAbortError, isUnauthenticated } from './handle-error';
import { i18n } from './i18n.svelte';
import { atlasTestHook } from './test-hook';
import { toastManager } from './toast-manager.svelte';

export type SessionStatus = 'checking' | 'signed-out' | 'signed-in';

/** Why the sign-in form failed: a heading (a message key, translated when shown) and the detail. */
export interface SignInFailure {
  title: 'signInFailed' | 'wrongCredentials' | 'tooManyAttempts' | 'sessionCheckFailed';
  /** The server's own message, or the client's when the server could not be reached. */
  message: string;
}

class SessionManager {
  status = $state<SessionStatus>('checking');
  user = $state.raw<SessionUser | null>(null);
  permissions = $state.raw<readonly Permission[]>([]);
  /** True while a sign-in request is out. */
  pending = $state(false);
  failure = $state.raw<SignInFailure | null>(null);
  /** True when the sign-in screen is back because the session ended rather than by signing out. */
  ended = $state(false);
  /** The last username signed in with, to prefill the form after a timeout (memory only). */
  lastUsername = $state('');

  constructor() {
    onSessionEnded(() => this.#end(true));
  }

  can(permission: Permission): boolean {
    return this.permissions.includes(permission);
  }

  /** Picks up a session left from earlier (the cookie outlives a reload), or shows the sign-in form. */
  async restore(signal?: AbortSignal): Promise<void> {
    try {
      this.#begin(await fetchMe(signal));
    } catch (error) {
      if (isAbortError(error)) return;
      this.#end(false);
      // 401 is the ordinary "not signed in"; anything else is worth saying on the form.
      if (!isUnauthenticated(error)) {
        this.failure = { title: 'sessionCheckFailed', message: errorMessage(error) };
      }
    }
  }

  /** Signs in. Resolves true on success; false when refused, with `failure` set to say why. */
  async signIn(username: string, password: string): Promise<boolean> {
    if (this.pending) return false;
    this.pending = true;
    this.failure = null;
    this.ended = false;
    this.lastUsername = username;
    try {
      this.#begin(await login(username, password));
      return true;
    } catch (error) {
      const locked = error instanceof ApiError && error.status === 429;
      if (!(error instanceof ApiError)) console.error(i18n.t.signInFailed, error);
      const wrong = error instanceof ApiError && error.code === 'InvalidCredentials';
      this.failure = { title: locked ? 'tooManyAttempts' : wrong ? 'wrongCredentials' : 'signInFailed', message: errorMessage(error) };
      return false;
    } finally {
      this.pending = false;
    }
  }

  /** Closes the session on the server, then shows the sign-in form. Stays signed in (with a toast) if the server could not be told. */
  async signOut(): Promise<void> {
    try {
      await logout();
    } catch (error) {
      // 401: the session had already ended, which is what was asked for.
      if (!isUnauthenticated(error)) {
        handleError(error, i18n.t.signOutFailed);
        return;
      }
    }
    this.#end(false);
  }

  #begin(session: LoginResponse): void {
    setCsrfToken(session.csrfToken);
    this.user = session.user;
    this.permissions = session.permissions;
    this.lastUsername = session.user.username;
    this.failure = null;
    this.ended = false;
    this.status = 'signed-in';
    atlasTestHook().user = session.user;
  }

  /** Back to the sign-in form; `ended` when the server ended the session rather than the user. */
  #end(ended: boolean): void {
    // A 401 arriving after the session was already closed here changes nothing.
    if (ended && this.status !== 'signed-in') return;
    setCsrfToken(null);
    this.user = null;
    this.permissions = [];
    this.ended = ended;
    this.status = 'signed-out';
    toastManager.clear();
    atlasTestHook().user = null;
  }
}

export const sessionManager = new SessionManager();
