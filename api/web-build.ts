import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMP = '.build-stamp';

/** A hash of everything the client bundle is built from (web sources, the shared geo/ code, the lockfile). */
export function clientSourceHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === 'dist' || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (statSync(path).size < 5_000_000) hash.update(relative(ROOT, path)).update(readFileSync(path));
    }
  };
  walk(join(ROOT, 'web'));
  walk(join(ROOT, 'geo'));
  const lock = join(ROOT, 'package-lock.json');
  if (existsSync(lock)) hash.update(readFileSync(lock));
  return hash.digest('hex');
}

/** True when `dist` holds a build of the current sources. */
export function isClientBuildFresh(dist: string): boolean {
  const stamp = join(dist, STAMP);
  return existsSync(join(dist, 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === clientSourceHash();
}

/** Builds the client with Vite in a child process (so the server keeps answering) and stamps it. */
export function buildClient(dist: string, onOutput: (line: string) => void): Promise<void> {
  const hash = clientSourceHash();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(ROOT, 'web/vite.config.ts'), '--outDir', dist, '--emptyOutDir'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const forward = (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach(onOutput);
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) {
        writeFileSync(join(dist, STAMP), hash);
        resolve();
      } else reject(new Error(`vite build exited with code ${code}`));
    });
  });
}
