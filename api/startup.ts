import type { Config } from './config.js';
import { openDatabase } from './db/open.js';
import type { Db } from './db/types.js';
import { generateDemoCounty } from './demo/generate.js';
import { loadDemoCounty } from './demo/load.js';
import type { Logger } from './logger.js';
import { createDemoAccounts, type DemoCredential } from './accounts/demo-accounts.js';

export interface StartupProgress {
  step: 'opening_database' | 'generating_demo' | 'loading_demo' | 'ready';
  detail?: string;
  /** 0..1 within the current step, when known. */
  fraction?: number;
}

/** Whether to load the demo county into this (empty) database. */
export function shouldLoadDemo(config: Config): boolean {
  if (config.PINGAN_DEMO === 'off') return false;
  if (config.PINGAN_DEMO === 'on') return true;
  return !config.DATABASE_URL; // auto: only the embedded database
}

/**
 * Opens and migrates the database; into an empty one loads the demo county and its accounts (one
 * per role, passwords returned once for printing). Both run with the owner's rights, before the
 * app role takes over.
 */
export async function prepareDatabase(
  config: Config, log: Logger, report: (p: StartupProgress) => void,
): Promise<{ db: Db; demoAccounts: DemoCredential[] }> {
  report({ step: 'opening_database' });
  let demoAccounts: DemoCredential[] = [];
  const db = await openDatabase(config, log, async (owner) => {
    const [{ n }] = (await owner.query<{ n: number }>('SELECT count(*)::int AS n FROM regions')) as [{ n: number }];
    if (n > 0 || !shouldLoadDemo(config)) return;
    const started = performance.now();
    report({ step: 'generating_demo' });
    const demo = generateDemoCounty({ seed: config.PINGAN_DEMO_SEED, scale: config.PINGAN_DEMO_SCALE, now: new Date() });
    const generatedMs = performance.now() - started;
    const counts = await loadDemoCounty(owner, demo, (detail, done, total) =>
      report({ step: 'loading_demo', detail, fraction: total ? done / total : undefined }),
    );
    demoAccounts = await createDemoAccounts(owner);
    log.info('demo county loaded', { seed: config.PINGAN_DEMO_SEED, scale: config.PINGAN_DEMO_SCALE, generatedMs: Math.round(generatedMs), totalMs: Math.round(performance.now() - started), counts });
  });
  report({ step: 'ready' });
  return { db, demoAccounts };
}
