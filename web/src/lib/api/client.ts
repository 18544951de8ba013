/**
 * Same-origin JSON client for the Pingan Atlas API. Every call takes an AbortSignal so a view that
 * moves on can cancel what it no longer needs; failures carry the server's own message.
 */
import type { LayerId } from '$geo/layers';
import type {
  ApiErrorBody, Bbox, HealthResponse, LayerFeatureCollection, RegionTreeResponse,
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

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null
    && typeof (error as { message?: unknown }).message === 'string';
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, { signal, headers: { Accept: 'application/json' } });
  if (!response.ok) {
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      // Not JSON (a proxy error page, an empty body): fall back to the status line below.
    }
    if (isApiErrorBody(body)) {
      throw new ApiError(response.status, body.error.code, body.error.message, body.error.requestId ?? null);
    }
    throw new ApiError(response.status, 'HttpError', `${response.status} ${response.statusText}`.trim(), null);
  }
  return (await response.json()) as T;
}

export function fetchHealth(signal?: AbortSignal): Promise<HealthResponse> {
  return getJson<HealthResponse>('/health', signal);
}

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
