import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import request from 'supertest';
import { compareCheckpoints } from '../../src/application/event-store/checkpoint-order.js';
import { signToken } from '../../src/infrastructure/identity/jwt.js';
import { graphqlClient, until } from '../support/graphql.js';
import { TEST_JWT_SECRET } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Projection leadership across three real server processes on one database: each projection and
 * reaction is applied by one node at a time (an advisory-lock lease); the others follow its
 * checkpoint. kill -9 of the leader moves the work to another node, which goes on from the stored
 * checkpoint: every session event is applied exactly once across the three nodes.
 */
interface Node {
  readonly name: string;
  readonly process: ChildProcess;
  readonly url: string;
}

const START_MS = 180_000;
let db: TestDatabase;
let pool: pg.Pool;
const nodes: Node[] = [];

async function startNode(name: string): Promise<Node> {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      PORT: '0',
      HOST: '127.0.0.1',
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'info',
      DATA_DIR: mkdtempSync(join(tmpdir(), `tandem-${name}-`)),
      DB_POOL_SIZE: '5',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    // A bound on a hang, not a timing: under CI's load (two cores, other suites' servers and
    // Chromium) one start of `node dist/src/main.js` took more than 60 s.
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${START_MS / 1000} s`)), START_MS);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes('Tandem is listening')) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url.replace('[::1]', '127.0.0.1'));
    });
    child.stderr!.on('data', () => undefined);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before listening`)));
  });
  const node = { name, process: child, url };
  nodes.push(node);
  return node;
}

/** A metric of one node by projection label (0 when the node never set it). */
async function metric(node: Node, metricName: string, projection: string): Promise<number> {
  const text = (await request(node.url).get('/metrics').expect(200)).text;
  const line = text.split('\n').find((l) => l.startsWith(`${metricName}{projection="${projection}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}
const leaderOf = async (projection: string, among: Node[]) => {
  const flags = await Promise.all(among.map((n) => metric(n, 'tandem_projection_leader', projection)));
  return among.filter((_, i) => flags[i] === 1);
};
const applied = (node: Node, projection: string) => metric(node, 'tandem_projection_events_applied_total', projection);

beforeAll(async () => {
  db = await createTestDatabase('leader');
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
}, 60_000);
afterAll(async () => {
  for (const node of nodes) if (node.process.exitCode === null && node.process.signalCode === null) node.process.kill('SIGTERM');
  await Promise.all(nodes.map((n) => (n.process.exitCode === null && n.process.signalCode === null ? new Promise((resolve) => n.process.once('exit', resolve)) : undefined)));
  await pool.end();
  await db.drop();
}, 60_000);

describe('projection leadership across three nodes', () => {
  it(
    'one node applies each projection; kill -9 of it moves the work to another, and every event is applied exactly once',
    async () => {
      const a = await startNode('node-a');
      const [b, c] = await Promise.all([startNode('node-b'), startNode('node-c')]);
      const all = [a, b, c];
      // Exactly one leader per projection and reaction.
      for (const projection of ['session_view', 'queue_view', 'report_sessions', 'webacd_reactions']) {
        expect(await leaderOf(projection, all)).toHaveLength(1);
      }
      const [first] = await leaderOf('session_view', all);
      const others = all.filter((n) => n !== first);

      // Traffic through every node, then a read-your-writes query on each node (followers too).
      const csrs = await Promise.all(Array.from({ length: 6 }, (_, i) => signToken(TEST_JWT_SECRET, { sub: `leader-csr-${i}`, roles: ['csr'] })));
      const via = (node: Node) => graphqlClient(() => node.url);
      const sessions = await Promise.all(csrs.map((token, i) => via(all[i % 3]!).ok(token, 'mutation { startSession { id consistencyToken } }')));
      const chat = async (through: Node[], rounds: number) => {
        let last = '';
        for (let r = 0; r < rounds; r++) {
          const answers = await Promise.all(
            csrs.map((token, i) =>
              via(through[(i + r) % through.length]!).ok(token, 'mutation($id: ID!, $t: String!) { sendChatMessage(id: $id, text: $t) { version consistencyToken } }', {
                id: sessions[i].id,
                t: `round ${r}`,
              }),
            ),
          );
          last = answers.map((x) => x.consistencyToken as string).reduce((max, t) => (compareCheckpoints(t, max) > 0 ? t : max), last || 'start');
        }
        return last;
      };
      const seenEverywhere = async (through: Node[], token: string) => {
        for (const node of through) {
          for (const [i, s] of sessions.entries())
            await via(node).ok(csrs[i]!, 'query($id: ID!, $after: String) { session(id: $id, after: $after) { id } }', { id: s.id, after: token });
        }
      };
      const before = await chat(all, 10);
      await seenEverywhere(all, before);
      const appliedBefore = (await Promise.all(all.map((n) => applied(n, 'session_view')))).reduce((x, y) => x + y, 0);
      expect(await applied(first!, 'session_view')).toBe(appliedBefore); // only the leader applied

      // kill -9 the leader while idle, then keep going through the two others.
      first!.process.kill('SIGKILL');
      await new Promise((resolve) => first!.process.once('exit', resolve));
      const after = await chat(others, 10);
      const next = await until(
        'another node to lead session_view',
        async () => {
          const leaders = await leaderOf('session_view', others);
          return leaders.length === 1 && leaders[0];
        },
        20_000,
        100,
      );
      expect(others).toContain(next);
      await seenEverywhere(others, after);
      for (const projection of ['queue_view', 'report_sessions', 'webacd_reactions']) expect(await leaderOf(projection, others)).toHaveLength(1);

      // Nothing skipped, nothing repeated: each session event was applied once, by one node or the other.
      const appliedAfter = (await Promise.all(others.map((n) => applied(n, 'session_view')))).reduce((x, y) => x + y, 0);
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM es_events WHERE stream_id LIKE 'session-%'`);
      expect(appliedBefore + appliedAfter).toBe(rows[0].n);
      const views = await pool.query(`SELECT v.id, v.version, (SELECT max(stream_version) FROM es_events e WHERE e.stream_id = 'session-' || v.id) AS last FROM session_view v`);
      expect(views.rows).toHaveLength(sessions.length);
      for (const row of views.rows) expect(row.version).toBe(Number(row.last));
    },
    3 * START_MS + 120_000,
  );
});
