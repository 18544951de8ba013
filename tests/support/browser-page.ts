import type { Browser, BrowserContext, Page } from 'playwright-core';

/** What one browser context did: every request, console errors, CSP violations. */
export interface PageLog {
  requests: string[];
  consoleErrors: string[];
  cspViolations: string[];
}

/**
 * 401 is how the API says "not signed in" (/api/auth/me on the first load) and "wrong password"
 * (/api/auth/login), and chromium logs every failed response as a console error. Those two are
 * expected; a 401 anywhere else, or any other error, is not.
 */
export function isExpected401(text: string, url: string): boolean {
  return /status of 401/.test(text) && /\/api\/auth\/(me|login)$/.test(new URL(url, 'http://x').pathname);
}

export async function openContext(browser: Browser): Promise<{ context: BrowserContext; page: Page; log: PageLog }> {
  const log: PageLog = { requests: [], consoleErrors: [], cspViolations: [] };
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'zh-CN' });
  // Reported through a binding (not page state) so violations survive reloads. The init script is
  // injected by the browser itself, so the page's own CSP does not block it.
  await context.exposeBinding('__reportCspViolation', (_source, text: string) => log.cspViolations.push(text));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as any).__reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const page = await context.newPage();
  page.on('request', (r) => log.requests.push(r.url()));
  page.on('console', (m) => {
    const text = m.text();
    if (/Content Security Policy|Refused to/i.test(text)) log.cspViolations.push(text);
    if (m.type() === 'error' && !isExpected401(text, m.location().url)) log.consoleErrors.push(`${text} (${m.location().url})`);
  });
  page.on('pageerror', (e) => log.consoleErrors.push(String(e)));
  return { context, page, log };
}

/** Loading the county into a software-rendered map takes a while on a shared machine. */
export const MAP_READY_MS = 120_000;

/** Fills and submits the sign-in form. */
export async function signInThroughForm(page: Page, username: string, password: string): Promise<void> {
  await page.getByTestId('login-form').waitFor();
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** Resolves once the client says its first screen is drawn (`window.__atlas.ready`). */
export const waitForMap = (page: Page) =>
  page.waitForFunction(() => (window as any).__atlas?.ready === true, null, { timeout: MAP_READY_MS });
