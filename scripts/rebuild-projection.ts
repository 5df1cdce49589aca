/**
 * Rebuilds a read model from the event stream while the service keeps running:
 *   npm run projections:rebuild -- session_view      (or queue_view, report_sessions)
 * Uses DATABASE_URL, or the embedded cluster under DATA_DIR (attaching to it when the server runs).
 */
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
function bar({ phase, events, total }: RebuildProgress): void {
  const share = total === 0 ? 1 : Math.min(1, events / total);
  const width = 30;
  const filled = Math.round(share * width);
  const rate = Math.round(events / Math.max(0.001, (Date.now() - started) / 1000));
  process.stderr.write(`\r${name} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${events.toLocaleString('en')}/${total.toLocaleString('en')} events, ${rate.toLocaleString('en')}/s, ${phase}   `);
}

const database = await resolveDatabase(loadConfig(process.env));
try {
  await runMigrations(database.url);
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  pool.on('error', () => undefined);
  const store = new PostgresEventStore({ pool, listen: false });
  const result = await rebuildProjection(database.url, store, name, bar);
  process.stderr.write('\n');
  console.log(`${name} rebuilt from ${result.events.toLocaleString('en')} events and swapped in at ${result.checkpoint} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await store.close();
  await pool.end();
} catch (error) {
  process.stderr.write('\n');
  console.error(`rebuild of ${name} failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await database.stop();
}
