import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/infrastructure/postgres/embedded-postgres.js';
import { spawnTandem } from '../support/tandem-process.js';

/** Issue 12: one clear JSON line per outside dependency that does not answer at start-up, no stack traces. */
it('Redis, SMTP relay, EventStoreDB and JWKS unreachable at start-up: one JSON line each, then exit 1', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-deps-'));
  // Ports nobody listens on: taken and released just now.
  const [redis, smtp, esdb, jwks] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  try {
    const tandem = spawnTandem(dataDir, {
      REDIS_URL: `redis://:secret@127.0.0.1:${redis}`,
      SMTP_URL: `smtp://user:pass@127.0.0.1:${smtp}`,
      EVENTSTORE_URL: `esdb://127.0.0.1:${esdb}?tls=false`,
      JWT_JWKS_URL: `http://127.0.0.1:${jwks}/.well-known/jwks.json`,
    });
    const exit = await tandem.exited;
    expect(exit.code).toBe(1);
    expect(tandem.lines.filter((l) => l.raw !== undefined)).toEqual([]);
    const reported = tandem.lines.filter((l) => typeof l.dependency === 'string');
    expect(reported.map((l) => l.dependency).sort()).toEqual(['eventstore', 'jwks', 'redis', 'smtp']);
    for (const line of reported) {
      expect(line).toMatchObject({
        reason: 'ECONNREFUSED',
        msg: `${String(line.dependency)} unreachable at start-up${line.dependency === 'smtp' ? '; mail is queued and retried' : ''}`,
      });
      expect(String(line.target)).not.toMatch(/secret|pass/); // no credentials in the log
    }
    // Nothing else at WARN or above: no client's own error output.
    expect(tandem.lines.filter((l) => (l.level ?? 0) >= 40 && l.dependency === undefined)).toEqual([]);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);

it('a JWKS that answers but is not a key set is reported as such', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-deps-'));
  const server = createServer((socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    const tandem = spawnTandem(dataDir, { JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks` });
    expect((await tandem.exited).code).toBe(1);
    expect(tandem.lines.filter((l) => l.dependency === 'jwks')).toEqual([expect.objectContaining({ reason: 'no "keys" array in the response' })]);
  } finally {
    server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);
