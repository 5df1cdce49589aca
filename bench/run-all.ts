/**
 * `npm run bench`: every benchmark in turn, each in its own process (each starts its own
 * PostgreSQL), their JSON lines collected at the end.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const lines: string[] = [];
for (const bench of ['store', 'api', 'liveness', 'queue', 'replay', 'signalling', 'files']) {
  console.error(`\n== ${bench} ==`);
  const run = spawnSync(process.execPath, [join(here, `${bench}.bench.js`)], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stderr.write(run.stdout);
  if (run.status !== 0) {
    console.error(`${bench} benchmark failed (exit ${run.status})`);
    process.exitCode = 1;
  }
  lines.push(...run.stdout.split('\n').filter((line) => line.startsWith('{"bench"')));
}
console.log(lines.join('\n'));
