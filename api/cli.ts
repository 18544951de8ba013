/**
 * Command line: `npm run cli -- <command> [options]`.
 *
 *   demo [--scale N] [--seed N]   load the demo county into the configured, empty database
 *                                 (DATABASE_URL, or the embedded one in PINGAN_DATA_DIR);
 *                                 --scale 10 gives a city-sized set for benchmarks
 *   help                          this text
 */
import { parseArgs } from 'node:util';
import { loadConfig } from './config.js';
import { openDatabase } from './db/open.js';
import { generateDemoCounty } from './demo/generate.js';
import { loadDemoCounty } from './demo/load.js';
import { createLogger } from './logger.js';

const USAGE = `usage: npm run cli -- demo [--scale N] [--seed N]
  demo    load the synthetic demo county into the configured empty database
          (DATABASE_URL, or the embedded database in PINGAN_DATA_DIR, default ./data)
          --scale N   size multiplier, default PINGAN_DEMO_SCALE or 1; 10 = city-sized
          --seed N    generator seed, default PINGAN_DEMO_SEED`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command !== 'demo') {
    console.error(`Unknown command "${command}".\n${USAGE}`);
    return 2;
  }
  const { values } = parseArgs({ args: rest, options: { scale: { type: 'string' }, seed: { type: 'string' } }, strict: true });
  const config = loadConfig();
  const scale = values.scale === undefined ? config.PINGAN_DEMO_SCALE : Number(values.scale);
  const seed = values.seed === undefined ? config.PINGAN_DEMO_SEED : Number(values.seed);
  if (!(scale > 0 && scale <= 50)) throw new Error(`--scale must be a number in (0, 50]; got "${values.scale}"`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer; got "${values.seed}"`);

  const log = createLogger(config.LOG_LEVEL);
  const db = await openDatabase(config, log);
  try {
    const t0 = performance.now();
    process.stderr.write(`generating the demo county (seed ${seed}, scale ${scale})…\n`);
    const demo = generateDemoCounty({ seed, scale, now: new Date() });
    const t1 = performance.now();
    let last = '';
    const counts = await loadDemoCounty(db, demo, (step, done, total) => {
      const line = `loading ${step}: ${done}/${total}`;
      if (line !== last) process.stderr.write(`\r${line.padEnd(60)}`);
      last = line;
    });
    process.stderr.write('\n');
    console.log(JSON.stringify({ database: db.kind, seed, scale, generateSeconds: +((t1 - t0) / 1000).toFixed(1), loadSeconds: +((performance.now() - t1) / 1000).toFixed(1), counts }, null, 2));
    return 0;
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`error: ${error.message}`);
    process.exit(1);
  },
);
