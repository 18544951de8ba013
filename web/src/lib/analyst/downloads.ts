/**
 * Downloads of the analyst panel: a file the API makes (fetched with the session cookie, so a
 * refusal shows the server's message rather than saving an error page) or a blob made here (the
 * map's PNG), saved through a temporary `<a download>` with an object URL.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import { ApiError } from '../api/client';

/** Saves `blob` as `fileName` through a temporary link. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The browser has taken the file by the time the click returns; the delay covers slow ones.
  window.setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** The file name of a Content-Disposition header (`filename="…"` or RFC 5987 `filename*=`). */
export function fileNameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1]!.trim() : null;
}

/**
 * Fetches a same-origin download and saves it as `name.fileName`, else under the server's file
 * name, else as `name.fallback`. Throws ApiError with the server's message on a failure status.
 */
export async function downloadFrom(url: string, name: { fileName?: string; fallback: string }, signal?: AbortSignal): Promise<void> {
  const response = await fetch(url, { credentials: 'same-origin', signal });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`.trim();
    let code = 'HttpError';
    let requestId: string | null = null;
    try {
      const body = (await response.json()) as { error?: { code?: string; message?: string; requestId?: string } };
      if (body.error?.message) message = body.error.message;
      if (body.error?.code) code = body.error.code;
      requestId = body.error?.requestId ?? null;
    } catch {
      // not JSON: the status line says what happened
    }
    throw new ApiError(response.status, code, message, requestId);
  }
  saveBlob(await response.blob(), name.fileName ?? fileNameOf(response.headers.get('content-disposition')) ?? name.fallback);
}

/**
 * The map as drawn now, as a PNG. The map is created with `preserveDrawingBuffer`, so the canvas
 * still holds the last frame (MapLibre and the interleaved deck.gl layers alike); a map still
 * moving is given a moment (at most 3 s) to settle first.
 */
export async function mapPng(map: MapLibreMap): Promise<Blob> {
  if (map.isMoving() || !map.loaded()) {
    await new Promise<void>((resolve) => {
      const timer = window.setTimeout(resolve, 3000);
      map.once('idle', () => {
        window.clearTimeout(timer);
        resolve();
      });
      map.triggerRepaint();
    });
  }
  return new Promise((resolve, reject) => {
    map.getCanvas().toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the map canvas gave no image'))), 'image/png');
  });
}
