/**
 * Start-up benchmark: how long `npm start` takes until /health answers 200 with the demo loaded,
 * cold (a fresh data folder and a fresh client build, as on a new clone) and warm (the same folder
 * again). Run: `npm run bench -- startup` or `npx tsx bench/startup.ts`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface StartResult {
  seconds: number;
  demo: unknown;
  database: string;
}

async function timeStart(dataDir: string, webDist: string): Promise<StartResult> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
    env: { ...process.env, PORT: String(port), PINGAN_DATA_DIR: dataDir, PINGAN_WEB_DIST: webDist, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`);
        if (res.status === 200) {
          const body = (await res.json()) as { demo: unknown; database: { kind: string } };
          // Ready means the client answers too, not only the API.
          const page = await fetch(`http://127.0.0.1:${port}/`);
          if (page.status === 200) return { seconds: (performance.now() - started) / 1000, demo: body.demo, database: body.database.kind };
        }
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'atlas-bench-start-'));
try {
  const dataDir = join(dir, 'data');
  const webDist = join(dir, 'dist');
  const cold = await timeStart(dataDir, webDist);
  const warm = await timeStart(dataDir, webDist);
  console.log(JSON.stringify({ cold: { seconds: +cold.seconds.toFixed(1), database: cold.database }, warm: { seconds: +warm.seconds.toFixed(1) }, warmOverCold: +(warm.seconds / cold.seconds).toFixed(2), demo: warm.demo }, null, 2));
  if (!cold.demo || JSON.stringify(cold.demo) !== JSON.stringify(warm.demo)) throw new Error('the warm start did not keep the demo');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
