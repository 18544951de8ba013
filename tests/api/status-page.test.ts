import { describe, expect, it } from 'vitest';
import { unavailableResponse } from '../../api/status-page.js';

const msg = { zh: '正在启动', en: 'starting up' };

describe('unavailable responses (while starting or building the client)', () => {
  it('answers API paths and /health in the one error shape', async () => {
    for (const path of ['/health', '/api/regions/tree']) {
      const res = unavailableResponse(new Request(`http://x${path}`), msg, 503);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('3');
      const body = await res.json();
      expect(Object.keys(body)).toEqual(['error']);
      expect(body.error).toMatchObject({ code: 'ServiceUnavailable', message: 'starting up' });
      expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('answers pages with a bilingual notice that reloads itself without script', async () => {
    const res = unavailableResponse(new Request('http://x/'), msg, 503);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('正在启动');
    expect(html).toContain('starting up');
    expect(html).toContain('http-equiv="refresh"');
    expect(html).not.toContain('<script');
  });

  it('does not ask a failed build page to reload', async () => {
    const res = unavailableResponse(new Request('http://x/'), msg, 500);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('refresh');
    const api = await unavailableResponse(new Request('http://x/api/layers'), msg, 500).json();
    expect(api.error.code).toBe('InternalError');
  });
});
