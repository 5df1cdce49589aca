import pg from 'pg';
import pRetry from 'p-retry';
import type { RelayMessage, SignallingBus } from '../../application/signalling/signalling-bus.port.js';

export const SIGNALLING_CHANNEL = 'tandem_signalling';
/** PostgreSQL refuses NOTIFY payloads from 8000 bytes; bigger messages go through a relay row. */
const NOTIFY_LIMIT = 7900;
const RELAY_TTL_S = 60;

/**
 * Relays signalling frames between nodes through LISTEN/NOTIFY on one database. A message too big
 * for a notification is written to the UNLOGGED table `signalling_relay` and only its id is
 * notified; a sweeper deletes rows older than a minute. The table is created here, at start
 * (CREATE TABLE IF NOT EXISTS): it is a transient mailbox, not part of the read or event model.
 */
export class PgSignallingBus implements SignallingBus {
  private readonly pool: pg.Pool;
  private listener?: pg.Client;
  private deliver?: (message: RelayMessage) => void;
  private stopped = false;
  private sweeper?: NodeJS.Timeout;
  /** Aborted by stop(): ends a reconnection in progress. */
  private readonly stopping = new AbortController();
  private queued: string[] = [];
  private nextFlush?: Promise<void>;
  private flushing: Promise<void> = Promise.resolve();
  /** How every notification this node sends begins (`{"node":"<id>",`). */
  private readonly ownPrefix: string;

  constructor(
    private readonly databaseUrl: string,
    private readonly node: string,
    private readonly log: (message: string, error?: unknown) => void,
  ) {
    this.ownPrefix = `{"node":${JSON.stringify(node)},`;
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
    this.pool.on('error', (error) => this.log('signalling relay pool error', error));
  }

  async start(deliver: (message: RelayMessage) => void): Promise<void> {
    this.deliver = deliver;
    try {
      await this.pool.query(`CREATE UNLOGGED TABLE IF NOT EXISTS signalling_relay (id bigserial PRIMARY KEY, frame jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
    } catch (error) {
      // Two nodes starting at once on a fresh database: IF NOT EXISTS is not atomic; the other one made it.
      if (!['23505', '42P07'].includes((error as { code?: string }).code ?? '')) throw error;
    }
    await this.listen();
    this.sweeper = setInterval(() => {
      this.pool
        .query(`DELETE FROM signalling_relay WHERE created_at < now() - make_interval(secs => $1)`, [RELAY_TTL_S])
        .catch((e) => this.log('signalling relay sweep failed', e));
    }, 10_000);
    this.sweeper.unref();
  }

  /**
   * Queues a message for the other nodes. Messages of one tick leave together, packed into as
   * few notifications as fit under the payload limit, one flush at a time, so they arrive in
   * the order they were published.
   */
  publish(message: RelayMessage): Promise<void> {
    this.queued.push(JSON.stringify(message));
    if (!this.nextFlush) {
      this.nextFlush = new Promise<void>((resolve, reject) =>
        setImmediate(() => {
          const batch = this.queued.splice(0);
          this.nextFlush = undefined;
          this.flushing = this.flushing.then(() => this.send(batch)).then(resolve, reject);
        }),
      );
    }
    return this.nextFlush;
  }

  private async send(batch: readonly string[]): Promise<void> {
    let chunk: string[] = [];
    let size = 0;
    const overhead = `{"node":${JSON.stringify(this.node)},"batch":[]}`.length;
    const flushChunk = async () => {
      if (chunk.length === 0) return;
      await this.pool.query('SELECT pg_notify($1, $2)', [SIGNALLING_CHANNEL, `{"node":${JSON.stringify(this.node)},"batch":[${chunk.join(',')}]}`]);
      chunk = [];
      size = 0;
    };
    for (const payload of batch) {
      const bytes = Buffer.byteLength(payload);
      if (overhead + bytes > NOTIFY_LIMIT) {
        await flushChunk();
        // One statement: the row is committed before the notification is sent.
        await this.pool.query(
          `WITH row AS (INSERT INTO signalling_relay (frame) VALUES ($2::jsonb) RETURNING id)
           SELECT pg_notify($1, json_build_object('node', $3::text, 'ref', (SELECT id FROM row))::text)`,
          [SIGNALLING_CHANNEL, payload, this.node],
        );
        continue;
      }
      if (overhead + size + bytes + 1 > NOTIFY_LIMIT) await flushChunk();
      chunk.push(payload);
      size += bytes + 1;
    }
    await flushChunk();
  }

  hearing(): boolean {
    return this.listener !== undefined && !this.stopped;
  }

  /** Sends what is already published (a leaving node's last announcements), then closes. */
  async stop(): Promise<void> {
    // At most 2 s: a database that is away must not hold the shutdown.
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000)));
    const flushed = (async () => {
      await this.nextFlush?.catch(() => undefined);
      await this.flushing.catch(() => undefined);
    })();
    await Promise.race([flushed, bound]);
    clearTimeout(timer);
    this.stopped = true;
    clearInterval(this.sweeper);
    this.stopping.abort();
    await this.listener?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  /**
   * One LISTEN connection. The first one at start-up fails loudly; a lost one is logged and
   * re-opened (p-retry: at once, then every 0.5 s doubling to 5 s while the database is away) until stop().
   */
  private async listen(): Promise<void> {
    // keepAlive: a connection dead on one side is noticed (and `hearing()` turns false) rather than listened to for ever.
    const client = new pg.Client({ connectionString: this.databaseUrl, keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
    client.on('error', () => undefined); // a failed connect rejects below; the error event adds nothing
    client.on('notification', (n) => {
      if (n.channel === SIGNALLING_CHANNEL && n.payload) void this.received(n.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${SIGNALLING_CHANNEL}`);
    } catch (error) {
      client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    let lost = false;
    const reopen = (error: unknown) => {
      if (lost || this.stopped) return;
      lost = true;
      this.listener = undefined;
      this.log('signalling LISTEN connection lost; reconnecting', error);
      client.end().catch(() => undefined);
      void pRetry(() => this.listen(), { retries: Infinity, minTimeout: 500, maxTimeout: 5000, factor: 2, signal: this.stopping.signal }).catch(() => undefined);
    };
    client.removeAllListeners('error');
    client.on('error', reopen);
    client.on('end', () => reopen(new Error('connection ended')));
  }

  private async received(payload: string): Promise<void> {
    // This node's own notifications come back to its LISTEN: known by their prefix (send() writes
    // the node first), dropped without parsing up to 8 kB of JSON per batch.
    if (payload.startsWith(this.ownPrefix)) return;
    try {
      const parsed = JSON.parse(payload) as RelayMessage | { node: string; ref: string } | { node: string; batch: RelayMessage[] };
      if (parsed.node === this.node) return;
      if ('batch' in parsed) {
        for (const message of parsed.batch) this.deliver?.(message);
        return;
      }
      if ('ref' in parsed) {
        const { rows } = await this.pool.query<{ frame: RelayMessage }>('SELECT frame FROM signalling_relay WHERE id = $1', [parsed.ref]);
        if (rows[0]) this.deliver?.(rows[0].frame);
        return;
      }
      this.deliver?.(parsed);
    } catch (error) {
      this.log('could not deliver a relayed signalling frame', error);
    }
  }
}
