import { join } from 'node:path';
import pg from 'pg';
import { socketDirFor } from '../../src/infrastructure/postgres/embedded-postgres.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The embedded cluster is reached over a Unix-domain socket in its folder (issue 13: a command's
 * append is a round trip, cheaper over the socket than over loopback TCP), with TCP kept for
 * tools; a folder the socket cannot live in keeps TCP only.
 */
describe('embedded PostgreSQL over a Unix-domain socket', () => {
  it('puts the socket in the cluster folder while its path fits the kernel limit (107 bytes), and refuses folders PostgreSQL would need quoted', () => {
    const short = '/tmp/tandem/pg';
    expect(socketDirFor(short, 54321)).toBe(short);
    // `<dir>/.s.PGSQL.54321` is 15 bytes longer than the folder.
    const fits = '/' + 'a'.repeat(107 - 15 - 1);
    expect(Buffer.byteLength(join(fits, '.s.PGSQL.54321'))).toBe(107);
    expect(socketDirFor(fits, 54321)).toBe(fits);
    expect(socketDirFor(fits + 'b', 54321)).toBeUndefined();
    // Multi-byte names count in bytes, as the kernel does.
    expect(socketDirFor('/' + 'é'.repeat(45), 54321)).toBe('/' + 'é'.repeat(45));
    expect(socketDirFor('/' + 'é'.repeat(46), 54321)).toBeUndefined();
    for (const reserved of ['/tmp/a,b', '/tmp/a b', '/tmp/a"b', "/tmp/a'b", '/tmp/a\\b']) expect(socketDirFor(reserved, 54321)).toBeUndefined();
  });

  const embedded = !process.env.DATABASE_URL;
  (embedded ? it : it.skip)('connects the app over the socket, while TCP on 127.0.0.1 still answers tools (skipped with DATABASE_URL: not our cluster)', async () => {
    let db: TestDatabase | undefined;
    try {
      db = await createTestDatabase('socket');
      const url = new URL(db.url);
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      const { rows } = await client.query<{ addr: string | null; dir: string; data: string; port: string }>(
        `SELECT host(inet_client_addr()) AS addr, current_setting('unix_socket_directories') AS dir, current_setting('data_directory') AS data, current_setting('port') AS port`,
      );
      await client.end();
      const expected = socketDirFor(rows[0]!.data, Number(rows[0]!.port));
      // The run's folder decides: a clone deep in the file system keeps TCP only.
      if (expected) {
        expect(url.searchParams.get('host')).toBe(expected);
        // No client address: the connection came through the Unix-domain socket.
        expect(rows[0]).toMatchObject({ addr: null, dir: expected });
      } else {
        expect(url.searchParams.get('host')).toBeNull();
        expect(rows[0]).toMatchObject({ addr: '127.0.0.1', dir: '' });
      }
      url.searchParams.delete('host');
      url.hostname = '127.0.0.1';
      const overTcp = new pg.Client({ connectionString: url.toString() });
      await overTcp.connect();
      const tcp = await overTcp.query<{ addr: string | null }>('SELECT host(inet_client_addr()) AS addr');
      await overTcp.end();
      expect(tcp.rows[0]?.addr).toBe('127.0.0.1');
    } finally {
      await db?.drop();
    }
  });
});
