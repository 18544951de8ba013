import { existsSync } from 'node:fs';
import type { Availability } from './environment.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumAvailability(): Availability {
  return existsSync(CHROMIUM_PATH)
    ? { available: true, reason: '' }
    : { available: false, reason: `chromium not found at ${CHROMIUM_PATH} (Debian package chromium)` };
}

/** Flags for headless Debian chromium on a closed network (see the machine notes): no background calls home. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-default-apps', '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader', '--font-render-hinting=none',
];
