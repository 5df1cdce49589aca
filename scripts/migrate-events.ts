/**
 * Copies every event from the PostgreSQL event store to EventStoreDB/KurrentDB, in global order:
 *   npm run migrate:events -- --from postgres --to esdb [--batch-size 500]
 *
 * Source: DATABASE_URL, or the embedded cluster under DATA_DIR (./data), database `tandem`, as the
 * server itself resolves it. Target: EVENTSTORE_URL (e.g. esdb://localhost:2113?tls=false).
 *
 * Event ids, types, data (as stored, not upcast), metadata, schema versions and original times
 * are kept. Each run of a stream's events is appended expecting the revision before it
 * (NO_STREAM for version 0), so the server deduplicates a re-run by id (nothing is written twice)
 * and a target stream that holds other events, or a gap, stops the copy with the stream named.
 */
import cliProgress from 'cli-progress';
import pg from 'pg';
import { IdempotencyConflictError, WrongExpectedVersionError } from '../src/application/event-store/event-store.errors.js';
import { type ExpectedVersion, type RecordedEvent, START } from '../src/application/event-store/event-store.port.js';
import { loadConfig } from '../src/infrastructure/config/app-config.js';
import { EsdbEventStore } from '../src/infrastructure/event-store/esdb/esdb-event-store.js';
import { PostgresEventStore } from '../src/infrastructure/event-store/postgres-event-store.js';
import { resolveDatabase } from '../src/infrastructure/postgres/database.js';

const USAGE = 'usage: npm run migrate:events -- --from postgres --to esdb [--batch-size <events per read, default 500>]';
/** Keep each append well under the server's default maximum append size (1 MiB). */
const MAX_APPEND_EVENTS = 200;
const MAX_APPEND_BYTES = 512 * 1024;

interface Args {
  readonly from: 'postgres';
  readonly to: 'esdb';
  readonly batchSize: number;
}

function parseArgs(argv: readonly string[]): Args | 'help' {
  let from: string | undefined;
  let to: string | undefined;
  let batchSize = 500;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [key, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new Error(`${key} needs a value\n${USAGE}`);
      i++;
      return next;
    };
    switch (key) {
      case '--help':
      case '-h':
        return 'help';
      case '--from':
        from = value();
        break;
      case '--to':
        to = value();
        break;
      case '--batch-size': {
        const raw = value();
        batchSize = Number(raw);
        if (!/^\d+$/.test(raw) || batchSize < 1 || batchSize > 10_000) throw new Error(`--batch-size must be an integer from 1 to 10000 (got ${raw})`);
        break;
      }
      default:
        throw new Error(`unknown argument ${arg}\n${USAGE}`);
    }
  }
  if (from !== 'postgres') throw new Error(`--from must be postgres (got ${from ?? 'nothing'})\n${USAGE}`);
  if (to !== 'esdb') throw new Error(`--to must be esdb (got ${to ?? 'nothing'})\n${USAGE}`);
  return { from, to, batchSize };
}

/** Consecutive events of one stream with consecutive versions, in global order: one append each. */
function appendRuns(events: readonly RecordedEvent[]): RecordedEvent[][] {
  const runs: RecordedEvent[][] = [];
  let run: RecordedEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = JSON.stringify(event.data).length + JSON.stringify(event.metadata).length + event.type.length;
    const previous = run[run.length - 1];
    const continues = previous && previous.streamId === event.streamId && previous.version + 1 === event.version;
    if (!continues || run.length >= MAX_APPEND_EVENTS || bytes + size > MAX_APPEND_BYTES) {
      if (run.length > 0) runs.push(run);
      run = [];
      bytes = 0;
    }
    run.push(event);
    bytes += size;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** The copy's progress on stderr (cli-progress: redrawn in place on a terminal, every few seconds otherwise). */
class Progress {
  done = 0;
  written = 0;
  private readonly bar: cliProgress.SingleBar;

  constructor(readonly total: number) {
    this.bar = new cliProgress.SingleBar(
      {
        format: '[{bar}] {value}/{total} events ({percentage}%) {speed} ev/s, {already} already there, eta {eta_formatted}',
        stream: process.stderr,
        noTTYOutput: true,
        notTTYSchedule: 5000,
        etaBuffer: 50,
      },
      cliProgress.Presets.legacy,
    );
    this.bar.start(total, 0, { speed: '0', already: 0 });
  }

  private readonly started = Date.now();

  update(): void {
    const speed = (this.done / Math.max((Date.now() - this.started) / 1000, 0.001)).toFixed(0);
    this.bar.update(this.done, { speed, already: this.done - this.written });
  }

  finish(): void {
    this.update();
    this.bar.stop();
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }
  const config = loadConfig();
  if (!config.eventstoreUrl) throw new Error('EVENTSTORE_URL is not set: it names the EventStoreDB/KurrentDB server to copy to (e.g. esdb://localhost:2113?tls=false)');

  const database = await resolveDatabase(config, { shareRunning: true });
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const source = new PostgresEventStore({ pool, listen: false });
  const target = new EsdbEventStore(config.eventstoreUrl);
  let stopping = false;
  const onSignal = () => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write('\nstopping after the current append (run again to go on: copied events are skipped)\n');
  };
  process.on('SIGINT', onSignal);
  try {
    const exists = await pool.query<{ t: string | null }>(`SELECT to_regclass('es_events')::text AS t`);
    if (!exists.rows[0]?.t)
      throw new Error(`no event store in the source database (${database.embedded ? `embedded, DATA_DIR=${config.dataDir}` : 'DATABASE_URL'}): table es_events is missing`);
    const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM es_events');
    const progress = new Progress(Number(rows[0]!.n));
    process.stderr.write(`copying ${progress.total} events from PostgreSQL to ${config.eventstoreUrl.replace(/\/\/[^@/]*@/, '//')}\n`);

    let cursor = START;
    for (let page = await source.readAll(cursor, { maxCount: args.batchSize }); page.length > 0 && !stopping; page = await source.readAll(cursor, { maxCount: args.batchSize })) {
      for (const run of appendRuns(page)) {
        const first = run[0]!;
        const expected: ExpectedVersion = first.version === 0 ? 'no_stream' : first.version - 1;
        try {
          const result = await target.importEvents(first.streamId, run, expected);
          if (!result.replayed) progress.written += run.length;
        } catch (error) {
          progress.finish();
          if (error instanceof WrongExpectedVersionError)
            throw new Error(
              `stream ${first.streamId}: copying versions ${first.version}..${run[run.length - 1]!.version} expected the target at ${String(expected)}, ` +
                `but it is at ${String(error.actual)}: the target holds other events for this stream, or misses earlier ones. Nothing more was copied.`,
            );
          if (error instanceof IdempotencyConflictError)
            throw new Error(`stream ${first.streamId}: some of the events from version ${first.version} are in the target already, others are not. Nothing more was copied.`);
          throw error;
        }
        progress.done += run.length;
        progress.update();
        if (stopping) break;
      }
      cursor = page[page.length - 1]!.checkpoint;
    }
    progress.finish();
    const skipped = progress.done - progress.written;
    process.stderr.write(
      stopping
        ? `stopped: ${progress.done} events done (${progress.written} copied, ${skipped} already there)\n`
        : `done: ${progress.written} events copied, ${skipped} already there\n`,
    );
    return stopping ? 130 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    await target.close();
    await pool.end();
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`\nmigrate:events failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
