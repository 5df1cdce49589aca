/**
 * Rebuilds a read model from the event stream while the service keeps running:
 *   npm run projections:rebuild -- session_view      (or queue_view, report_sessions)
 * Uses DATABASE_URL, or the embedded cluster under DATA_DIR (attaching to it when the server runs).
 */
import cliProgress from 'cli-progress';
import pg from 'pg';
import { loadConfig } from '../src/infrastructure/config/app-config.js';
import { PostgresEventStore } from '../src/infrastructure/event-store/postgres-event-store.js';
import { REBUILDABLE, rebuildProjection, type RebuildProgress } from '../src/infrastructure/persistence/rebuild-projection.js';
import { runMigrations } from '../src/infrastructure/persistence/migrate.js';
import { resolveDatabase } from '../src/infrastructure/postgres/database.js';

const name = process.argv[2];
if (!name || !(name in REBUILDABLE)) {
  console.error(`usage: npm run projections:rebuild -- <${Object.keys(REBUILDABLE).join(' | ')}>`);
  process.exit(2);
}

const started = Date.now();
// cli-progress redraws in place on a terminal and stays quiet about it elsewhere.
const progress = new cliProgress.SingleBar(
  {
    format: `${name} [{bar}] {percentage}% {value}/{total} events, {rate}/s, {phase}`,
    stream: process.stderr,
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 5000,
    barCompleteChar: '#',
    barIncompleteChar: '.',
  },
  cliProgress.Presets.legacy,
);
let barStarted = false;
function bar({ phase, events, total }: RebuildProgress): void {
  const rate = Math.round(events / Math.max(0.001, (Date.now() - started) / 1000)).toLocaleString('en');
  if (!barStarted) {
    progress.start(total, events, { phase, rate });
    barStarted = true;
  }
  progress.setTotal(total);
  progress.update(events, { phase, rate });
}

const database = await resolveDatabase(loadConfig(process.env), { shareRunning: true });
try {
  await runMigrations(database.url);
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  pool.on('error', () => undefined);
  const store = new PostgresEventStore({ pool, listen: false });
  const result = await rebuildProjection(database.url, store, name, bar);
  progress.stop();
  console.log(`${name} rebuilt from ${result.events.toLocaleString('en')} events and swapped in at ${result.checkpoint} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await store.close();
  await pool.end();
} catch (error) {
  progress.stop();
  console.error(`rebuild of ${name} failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await database.stop();
}
