import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { TEST_JWT_SECRET } from './test-app.js';

/** One line of Tandem's stdout: parsed JSON, or `raw` when it was not JSON (a fault in itself). */
export interface LogLine {
  readonly level?: number;
  readonly msg?: string;
  readonly raw?: string;
  readonly [key: string]: unknown;
}

/**
 * A real `node dist/src/main.js` (built by `npm test`), on its own DATA_DIR with the embedded
 * PostgreSQL: for what only a whole process shows (start-up, signals, a crash of its database).
 */
export interface TandemProcess {
  readonly child: ChildProcess;
  /** Every stdout and stderr line so far, in order. */
  readonly lines: LogLine[];
  /** Resolves with the URL once it listens; rejects if it exits first. */
  readonly listening: Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnTandem(dataDir: string, env: Record<string, string> = {}, options: { preload?: boolean } = {}): TandemProcess {
  const { DATABASE_URL: _ignored, ...parentEnv } = process.env;
  // `preload`: as `npm start` runs it, with the telemetry preload (tracing when OTEL_* says so).
  const args = options.preload ? ['--import', resolve('dist/src/infrastructure/telemetry/preload.js'), resolve('dist/src/main.js')] : [resolve('dist/src/main.js')];
  const child = spawn(process.execPath, args, {
    env: { ...parentEnv, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'info', DB_POOL_SIZE: '10', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  let onLine: (line: LogLine) => void = () => undefined;
  for (const stream of [child.stdout!, child.stderr!]) {
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop()!;
      for (const text of parts) {
        if (!text.trim()) continue;
        let line: LogLine;
        try {
          line = JSON.parse(text) as LogLine;
        } catch {
          line = { raw: text };
        }
        lines.push(line);
        onLine(line);
      }
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  const listening = new Promise<string>((ready, fail) => {
    onLine = (line) => {
      if (line.msg === 'Tandem is listening') ready(String(line.url).replace('[::1]', '127.0.0.1'));
    };
    void exited.then(({ code, signal }) => fail(new Error(`tandem exited (${signal ?? code}) before listening: ${lines.map((l) => l.raw ?? l.msg).join(' | ')}`)));
  });
  listening.catch(() => undefined);
  return {
    child,
    lines,
    listening,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** The postmaster pid and port from `<dataDir>/pg/postmaster.pid`, if the file is there. */
export function postmasterOf(dataDir: string): { pid: number; port: number } | undefined {
  const file = join(dataDir, 'pg', 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A client on the `tandem` database of the embedded cluster of `dataDir`. */
export async function tandemDatabase(dataDir: string): Promise<pg.Client> {
  const { port } = postmasterOf(dataDir)!;
  const client = new pg.Client({ connectionString: `postgres://tandem:tandem-local@127.0.0.1:${port}/tandem` });
  await client.connect();
  return client;
}

/** Lines at WARN (40) or above, and lines that are not JSON. */
export const troubleIn = (lines: readonly LogLine[]) => lines.filter((l) => l.raw !== undefined || (l.level ?? 0) >= 40);
