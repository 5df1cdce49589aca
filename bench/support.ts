import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, startEmbeddedPostgres } from '../src/infrastructure/postgres/embedded-postgres.js';
import { runMigrations } from '../src/infrastructure/persistence/migrate.js';

/**
 * Shared by the benchmarks: a fresh, migrated database on a real server (DATABASE_URL's, or an
 * embedded one with fsync on, in a temporary folder), a closed-loop load driver, and the one
 * JSON line per case that every benchmark ends with.
 */
export async function benchDatabase(name: string): Promise<{ url: string; close(): Promise<void>; postmasterPid?: number }> {
  const base = process.env.DATABASE_URL;
  if (base) {
    const url = await createDatabase(base, `bench_${name}_${Date.now()}`);
    await runMigrations(url);
    return { url, close: async () => undefined };
  }
  const dataDir = mkdtempSync(join(process.env.BENCH_DATA_DIR ?? tmpdir(), `tandem-bench-${name}-`));
  // BENCH_PG_STATEMENTS=1: pg_stat_statements on (see `statementsOf`).
  const statements =
    process.env.BENCH_PG_STATEMENTS === '1'
      ? ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=all', '-c', 'pg_stat_statements.track_planning=on']
      : [];
  const server = await startEmbeddedPostgres({ dataDir, extraFlags: statements });
  const url = await createDatabase(server.url, 'bench');
  await runMigrations(url);
  return {
    url,
    postmasterPid: Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]),
    close: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface LoadResult {
  readonly ops: number;
  readonly perSecond: number;
  readonly p50ms: number;
  readonly p99ms: number;
  readonly errors: number;
}

/** Raw samples of a window: each completed call's latency (ms), the window's length (s), failures. */
export interface LoadSamples {
  readonly latencies: number[];
  readonly elapsed: number;
  readonly errors: number;
}

/** Several windows of the same case (taken in turns with other cases) as one result. */
export function combine(windows: readonly LoadSamples[]): LoadResult {
  const latencies = windows.flatMap((w) => w.latencies).sort((a, b) => a - b);
  const elapsed = windows.reduce((sum, w) => sum + w.elapsed, 0);
  const pct = (p: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0, 2);
  return { ops: latencies.length, perSecond: round(latencies.length / elapsed, 0), p50ms: pct(0.5), p99ms: pct(0.99), errors: windows.reduce((sum, w) => sum + w.errors, 0) };
}

/** `workers` loops, each calling `op(worker, i)` back to back for `seconds`. */
export async function closedLoop(workers: number, seconds: number, op: (worker: number, i: number) => Promise<void>): Promise<LoadResult> {
  return combine([await closedLoopSamples(workers, seconds, op)]);
}

/** `closedLoop`'s raw samples. */
export async function closedLoopSamples(workers: number, seconds: number, op: (worker: number, i: number) => Promise<void>): Promise<LoadSamples> {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const t0 = performance.now();
        try {
          await op(worker, i);
          latencies.push(performance.now() - t0);
        } catch (error) {
          if (errors++ === 0) console.error(`first error: ${(error as Error).message}`);
        }
      }
    }),
  );
  return { latencies, elapsed: (performance.now() - started) / 1000, errors };
}

export function report(line: { bench: string; case: string; value: number; unit: string; limit: number; [k: string]: unknown }): void {
  const ratio = line.limit > 0 ? round(line.value / line.limit, 2) : 0;
  const { bench, case: name, value, unit, limit, ...rest } = line;
  console.log(JSON.stringify({ bench, case: name, ...pick(rest, 'writers', 'clients'), value, unit, limit, ratio, ...omit(rest, 'writers', 'clients') }));
}

export const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const pick = (o: Record<string, unknown>, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => keys.includes(k)));
const omit = (o: Record<string, unknown>, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

export function seconds(fallback: number): number {
  const raw = Number(process.env.BENCH_SECONDS);
  return Number.isFinite(raw) && raw > 0 ? raw : fallback;
}

/**
 * The physical limit the benchmarks compare with: single-row INSERT transactions (autocommit,
 * prepared, one round trip each) from `writers` concurrent writers, on the same database.
 */
export async function rawInsertLimit(pool: { query: (config: any) => Promise<unknown> }, writers: number, seconds: number, payload: object): Promise<LoadResult> {
  await pool.query('CREATE TABLE IF NOT EXISTS bench_raw (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream_id text NOT NULL, data jsonb NOT NULL)');
  const result = await closedLoop(writers, seconds, async (w, i) => {
    await pool.query({ name: 'raw', text: 'INSERT INTO bench_raw (stream_id, data) VALUES ($1, $2)', values: [`raw-${w}-${i}`, payload] });
  });
  console.error(`raw INSERT, ${writers} writers: ${result.perSecond}/s p50 ${result.p50ms} ms p99 ${result.p99ms} ms`);
  return result;
}

/** A positive integer from an environment variable (BENCH_CLIENTS, BENCH_ROUNDS...), else `fallback`. */
export const positive = (raw: string | undefined, fallback: number): number => {
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};

/**
 * CPU time (user + system, ms) used so far by a PostgreSQL server: its postmaster and every
 * process it started (backends, WAL writer, checkpointer...), read from Linux's /proc (clock
 * ticks of 10 ms). Undefined without /proc or without the server's pid (DATABASE_URL). On a
 * shared machine, CPU per operation moves far less than operations per second.
 */
export function serverCpuMs(postmasterPid: number | undefined): number | undefined {
  if (!postmasterPid) return undefined;
  const ticks = (stat: string) => {
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { parent: Number(fields[1]), cpu: Number(fields[11]) + Number(fields[12]) };
  };
  try {
    let total = ticks(readFileSync(`/proc/${postmasterPid}/stat`, 'utf8')).cpu;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const t = ticks(readFileSync(`/proc/${entry}/stat`, 'utf8'));
        if (t.parent === postmasterPid) total += t.cpu;
      } catch {
        // gone meanwhile
      }
    }
    return total * 10;
  } catch {
    return undefined;
  }
}

/**
 * With BENCH_PG_STATEMENTS=1 (the embedded server then loads pg_stat_statements): `reset()` at
 * the start of a phase, `report(per, label)` at its end prints the statements by total planning
 * and execution time, with calls and milliseconds per `per` operations (nested statements of functions included).
 * Without it both do nothing.
 */
export async function statementsOf(pool: { query: (text: string) => Promise<{ rows: any[] }> }) {
  const on = process.env.BENCH_PG_STATEMENTS === '1' && !process.env.DATABASE_URL;
  if (on) await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  return {
    reset: async () => void (on && (await pool.query('SELECT pg_stat_statements_reset()'))),
    report: async (per: number, label: string) => {
      if (!on) return;
      const { rows } = await pool.query(
        `SELECT calls, total_exec_time + total_plan_time AS ms, total_plan_time AS plan, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS q FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 20`,
      );
      console.error(`${label}: statements by planning and execution time (per operation: calls, ms, of which planning)`);
      for (const r of rows)
        console.error(
          `  ${(Number(r.calls) / per).toFixed(2).padStart(7)} ${(Number(r.ms) / per).toFixed(3).padStart(8)} ms ${(Number(r.plan) / per).toFixed(3).padStart(7)}  ${r.q}`,
        );
    },
  };
}

/**
 * CPU spent from now on by this process (Node: the app and the in-process clients) and by the
 * PostgreSQL server of `postmasterPid` (`serverCpuMs`). `per(n)` gives ms per operation over `n`
 * operations (PostgreSQL undefined when its CPU cannot be read).
 */
export function cpuMeter(postmasterPid: number | undefined): { per(n: number): { node: number; pg: number | undefined } } {
  const node = process.cpuUsage();
  const pg = serverCpuMs(postmasterPid);
  return {
    per: (n) => {
      const used = process.cpuUsage(node);
      const pgNow = pg === undefined ? undefined : serverCpuMs(postmasterPid);
      return { node: round((used.user + used.system) / 1000 / n, 2), pg: pgNow === undefined || pg === undefined ? undefined : round((pgNow - pg) / n, 2) };
    },
  };
}
