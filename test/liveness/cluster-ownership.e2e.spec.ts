import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { signToken } from '../../src/infrastructure/identity/jwt.js';
import { until } from '../support/graphql.js';
import { TEST_JWT_SECRET } from '../support/test-app.js';
import { isAlive, postmasterOf, spawnTandem, troubleIn, type TandemProcess } from '../support/tandem-process.js';

/**
 * Issue 12, "own the cluster honestly": real `npm start` processes (dist/src/main.js) on one
 * DATA_DIR with the embedded PostgreSQL. The tests run in order and share the cluster, so
 * initdb runs once.
 */
// Each start is a whole process (Nest boot, migrations check): slow on a loaded machine.
const SLOW = 240_000;
const dataDir = mkdtempSync(join(tmpdir(), 'tandem-own-'));
const running: TandemProcess[] = [];
const start = (env: Record<string, string> = {}) => {
  const p = spawnTandem(dataDir, env);
  running.push(p);
  return p;
};

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop('SIGTERM')));
  const left = postmasterOf(dataDir);
  if (left && isAlive(left.pid)) process.kill(left.pid, 'SIGINT');
  await until('the cluster to stop', async () => !left || !isAlive(left.pid), 30_000);
  rmSync(dataDir, { recursive: true, force: true });
});

async function someTraffic(url: string): Promise<void> {
  const token = await signToken(TEST_JWT_SECRET, { sub: `own-csr-${randomUUID()}`, roles: ['csr'] });
  const started = await request(url).post('/api/v1/sessions').set('authorization', `Bearer ${token}`).send({}).expect(201);
  await request(url).get(`/api/v1/sessions/${started.body.id}`).set('authorization', `Bearer ${token}`).expect(200);
}

describe('the embedded cluster is owned by exactly one Tandem (issue 12)', () => {
  it(
    'a clean SIGTERM drains the loops, then stops the database, and logs no warning or error',
    async () => {
      const tandem = start();
      const url = await tandem.listening;
      await someTraffic(url);
      const { pid } = postmasterOf(dataDir)!;
      const from = tandem.lines.length;
      const exit = await tandem.stop('SIGTERM');
      const shutdownLines = tandem.lines.slice(from);
      expect(troubleIn(shutdownLines)).toEqual([]);
      expect(exit.code).toBe(0);
      expect(shutdownLines.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
      expect(isAlive(pid)).toBe(false);
      expect(postmasterOf(dataDir)).toBeUndefined();
    },
    SLOW,
  );

  it(
    'a postmaster.pid naming a live process that is not our postgres (a recycled PID) is stale: Tandem starts',
    async () => {
      const stranger = spawn('sleep', ['120'], { stdio: 'ignore' });
      try {
        writeFileSync(join(dataDir, 'pg', 'postmaster.pid'), `${stranger.pid}\n${join(dataDir, 'pg')}\n1700000000\n1\n\n127.0.0.1\n  1234567    123456\nready   \n`);
        const tandem = start();
        const url = await tandem.listening;
        await someTraffic(url);
        expect(tandem.lines.some((l) => typeof l.msg === 'string' && l.msg.includes('stale') && l.msg.includes(String(stranger.pid)))).toBe(true);
        expect(postmasterOf(dataDir)!.pid).not.toBe(stranger.pid);
        expect((await tandem.stop('SIGTERM')).code).toBe(0);
      } finally {
        stranger.kill('SIGKILL');
      }
    },
    SLOW,
  );

  it(
    'a second Tandem on the same DATA_DIR refuses to start with one clear line; the first keeps serving',
    async () => {
      const first = start();
      const url = await first.listening;
      const second = start();
      const exit = await second.exited;
      expect(exit.code).toBe(1);
      expect(troubleIn(second.lines)).toEqual([expect.objectContaining({ level: 60, msg: expect.stringContaining(`DATA_DIR ${dataDir} is in use by another running Tandem`) })]);
      await someTraffic(url);
      expect((await first.stop('SIGTERM')).code).toBe(0);
    },
    SLOW,
  );

  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop('SIGTERM')));
  }, SLOW);

  it(
    'a postmaster left behind by a killed run is adopted by the next start and stopped at its shutdown',
    async () => {
      const killed = start();
      await killed.listening;
      const { pid } = postmasterOf(dataDir)!;
      await killed.stop('SIGKILL');
      expect(isAlive(pid)).toBe(true); // left behind

      const next = start();
      const url = await next.listening;
      await someTraffic(url);
      expect(postmasterOf(dataDir)!.pid).toBe(pid);
      expect(next.lines.some((l) => typeof l.msg === 'string' && l.msg.includes('adopting it'))).toBe(true);
      expect((await next.stop('SIGTERM')).code).toBe(0);
      expect(isAlive(pid)).toBe(false);
    },
    SLOW,
  );
});
