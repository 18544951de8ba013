import { randomUUID } from 'node:crypto';
import { errorBody } from './errors.js';

/**
 * What a request gets while the product cannot serve it yet (database starting, client building or
 * failed to build): API paths the one error shape, pages a small bilingual notice that reloads
 * itself (a meta refresh: the CSP allows no inline script).
 */
export function unavailableResponse(request: Request, message: { zh: string; en: string }, status: 500 | 503, requestId: string = randomUUID()): Response {
  const path = new URL(request.url).pathname;
  const headers = status === 503 ? { 'retry-after': '3' } : undefined;
  if (path === '/health' || path.startsWith('/api/')) {
    return Response.json(errorBody(status === 503 ? 'ServiceUnavailable' : 'InternalError', message.en, requestId), { status, headers });
  }
  const refresh = status === 503 ? '<meta http-equiv="refresh" content="3">' : '';
  const html = `<!doctype html><html lang="zh-CN"><meta charset="utf-8">${refresh}<title>平安一张图</title><p>${message.zh}</p><p lang="en">${message.en}</p></html>`;
  return new Response(html, { status, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } });
}
