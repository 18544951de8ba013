/**
 * Same-origin JSON client for the Pingan Atlas API. Every call takes an AbortSignal so a view that
 * moves on can cancel what it no longer needs; failures carry the server's own message.
 *
 * The session is an HttpOnly cookie the browser sends by itself. Changes (POST, PUT, PATCH,
 * DELETE) must also echo the session's CSRF token, which is kept here in memory only (never in
 * localStorage, where any script on the page could read it after a reload): `sendJson` and
 * `sendFile` add it.
 */
import type { ImportLayerId, LayerId } from '$geo/layers';
import type {
  ApiErrorBody, Bbox, HealthResponse, ImportJob, ImportMode, ImportRowAction, LayerFeatureCollection,
  LayerListResponse, LoginResponse, MeResponse, RegionTreeResponse,
} from './types';

/** An error response from the API, with the server's user-facing message. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
  ) {
    super(message);
  }
}

type UnsafeMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The session's CSRF token, from the last login or /api/auth/me answer; null when signed out. */
let csrfToken: string | null = null;
let sessionEndedListener: (() => void) | null = null;

/** Sets (or with null, forgets) the CSRF token that `sendJson` sends. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/**
 * Calls `listener` whenever an API call outside /api/auth/ answers 401: the session ended (idle,
 * expired, signed out elsewhere) while the app was using it. One listener; a new one replaces it.
 */
export function onSessionEnded(listener: (() => void) | null): void {
  sessionEndedListener = listener;
}

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null
    && typeof (error as { message?: unknown }).message === 'string';
}

async function errorOf(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy error page, an empty body): fall back to the status line below.
  }
  if (isApiErrorBody(body)) {
    return new ApiError(response.status, body.error.code, body.error.message, body.error.requestId ?? null);
  }
  return new ApiError(response.status, 'HttpError', `${response.status} ${response.statusText}`.trim(), null);
}

/** Sends a request and reads its JSON answer (undefined for 204). Throws ApiError on a failure status. */
async function request<T>(path: string, init: RequestInit): Promise<T> {
  const response = await fetch(path, { ...init, credentials: 'same-origin' });
  if (!response.ok) {
    const error = await errorOf(response);
    // The auth routes answer 401 as part of their job (not signed in, wrong password): their
    // callers handle it. Anywhere else it means the session the app was using is gone.
    if (response.status === 401 && !path.startsWith('/api/auth/')) sessionEndedListener?.();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return request<T>(path, { signal, headers: { Accept: 'application/json' } });
}

/**
 * The one way to make a change: sends `body` (if any) as JSON with the session's CSRF token.
 * Resolves to the JSON answer, or undefined for 204 No Content.
 */
export function sendJson<T>(method: UnsafeMethod, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return request<T>(path, {
    method, signal, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/**
 * Posts a file's raw bytes as the request body (not a form: the API takes only the file itself)
 * with the session's CSRF token. Resolves to the JSON answer; throws ApiError with the server's
 * message on a failure status.
 */
export function sendFile<T>(path: string, file: Blob, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    // Always octet-stream: a browser types .csv/.txt files as text/plain, which the API refuses
    // for other names, and the format is told from the content and the file name anyway.
    'Content-Type': 'application/octet-stream',
  };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  return request<T>(path, { method: 'POST', signal, headers, body: file });
}

export function fetchHealth(signal?: AbortSignal): Promise<HealthResponse> {
  return getJson<HealthResponse>('/health', signal);
}

/** Opens a session. Rejects with ApiError 401 InvalidCredentials, or 429 TooManyAttempts when locked out. */
export function login(username: string, password: string, signal?: AbortSignal): Promise<LoginResponse> {
  return sendJson<LoginResponse>('POST', '/api/auth/login', { username, password }, signal);
}

/** The current session. Rejects with ApiError 401 when there is none (never signed in, or it ended). */
export function fetchMe(signal?: AbortSignal): Promise<MeResponse> {
  return getJson<MeResponse>('/api/auth/me', signal);
}

/** Closes the session on the server, which also clears the cookie. */
export function logout(signal?: AbortSignal): Promise<void> {
  return sendJson<void>('POST', '/api/auth/logout', undefined, signal);
}

/** The catalogue layers this caller may read (a wall display gets fewer). */
export function fetchLayerList(signal?: AbortSignal): Promise<LayerListResponse> {
  return getJson<LayerListResponse>('/api/layers', signal);
}

/** The caller's region tree: its own subtree plus the ancestors up to the county. */
export function fetchRegionTree(signal?: AbortSignal): Promise<RegionTreeResponse> {
  return getJson<RegionTreeResponse>('/api/regions/tree', signal);
}

export interface FeatureQuery {
  bbox: Bbox;
  limit: number;
}

/** GeoJSON features of one catalogue layer inside `bbox`, at most `limit` of them. */
export function fetchLayerFeatures<Id extends LayerId>(
  layerId: Id,
  query: FeatureQuery,
  signal?: AbortSignal,
): Promise<LayerFeatureCollection<Id>> {
  const bbox = query.bbox.map((v) => v.toFixed(6)).join(',');
  // Built by hand so the commas stay literal (URLSearchParams would send %2C).
  return getJson<LayerFeatureCollection<Id>>(
    `/api/layers/${encodeURIComponent(layerId)}/features?bbox=${bbox}&limit=${query.limit}`,
    signal,
  );
}

export interface ImportRequest {
  layer: ImportLayerId;
  mode: ImportMode;
  fileName: string;
  /** `gcj02`, `bd09` or `EPSG:n`; absent = what the file declares (else WGS 84). */
  crs?: string;
  /** Commit the good rows when some are rejected. */
  skipRejected?: boolean;
}

/** Starts an import of `file`: resolves to the job (202) to poll with `fetchImportJob`. */
export function startImport(request: ImportRequest, file: Blob, signal?: AbortSignal): Promise<ImportJob> {
  const params = new URLSearchParams({ layer: request.layer, mode: request.mode, filename: request.fileName });
  if (request.crs) params.set('crs', request.crs);
  if (request.skipRejected) params.set('skipRejected', 'true');
  return sendFile<ImportJob>(`/api/imports?${params}`, file, signal);
}

export interface ImportRowsQuery {
  offset?: number;
  /** 0 for progress only (no rows); at most 1000. */
  limit?: number;
  action?: ImportRowAction;
}

/** An import job's progress and report, with one page of its rows. */
export function fetchImportJob(id: string, query: ImportRowsQuery = {}, signal?: AbortSignal): Promise<ImportJob> {
  const params = new URLSearchParams();
  if (query.offset !== undefined) params.set('offset', String(query.offset));
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.action) params.set('action', query.action);
  const qs = params.toString();
  return getJson<ImportJob>(`/api/imports/jobs/${encodeURIComponent(id)}${qs ? `?${qs}` : ''}`, signal);
}

/**
 * One analytic (`/api/analytics/{id}`) as JSON or GeoJSON. `params` are the shared analytics
 * parameters (region, from, to, hours, category, level, status, source) plus the analytic's own.
 */
export function fetchAnalytic<T>(id: string, params: URLSearchParams, signal?: AbortSignal): Promise<T> {
  const qs = params.toString().replaceAll('%2C', ',');
  return getJson<T>(`/api/analytics/${encodeURIComponent(id)}${qs ? `?${qs}` : ''}`, signal);
}

/** The same-origin URL of an analytic's download (`format=csv` or `geojson`), for a link or `fetch`. */
export function analyticUrl(id: string, params: URLSearchParams): string {
  const qs = params.toString().replaceAll('%2C', ',');
  return `/api/analytics/${encodeURIComponent(id)}${qs ? `?${qs}` : ''}`;
}

/** Plain GET of any same-origin API path as JSON (for endpoints without a typed helper). */
export function fetchJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return getJson<T>(path, signal);
}

/** The base map the server is set up for (`GET /api/basemap/style.json`; docs/basemap.md). */
export type BasemapConfig =
  | { mode: 'builtin' }
  | { mode: 'style'; styleUrl: string; pmtilesUrl?: string }
  | { mode: 'pmtiles'; url: string };

/** Properties of a built-in base-map line (`basemap_features`). */
export interface BasemapProperties {
  kind: 'expressway' | 'county_road' | 'village_road' | 'river';
  name: string;
  /** 1 = main river / expressway, 2 = tributary / provincial road. */
  rank: 1 | 2;
}

export type BasemapFeatureCollection = GeoJSON.FeatureCollection<GeoJSON.LineString | GeoJSON.MultiLineString, BasemapProperties>;

export function fetchBasemapConfig(signal?: AbortSignal): Promise<BasemapConfig> {
  return getJson<BasemapConfig>('/api/basemap/style.json', signal);
}

/** The built-in base map's roads and rivers (all of them: a few hundred lines). */
export function fetchBasemapFeatures(signal?: AbortSignal): Promise<BasemapFeatureCollection> {
  return getJson<BasemapFeatureCollection>('/api/basemap/features', signal);
}
