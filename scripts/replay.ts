/**
 * RPT-2 in a terminal: a session's history, one line per event (version, time, who, what, and the
 * state after it), then the hash chain's verdict.
 *   npm run replay -- <session id | nine-digit session number>
 *
 * Reads DATABASE_URL, or the embedded cluster under DATA_DIR (./data), database `tandem`, as the
 * server itself resolves it. A number is looked up among live sessions first (session_numbers),
 * then among every session the read model knows (session_view.number, the latest one).
 * Exit code: 0 when the chain is intact, 2 when it is broken, 1 on an error.
 */
import pg from 'pg';
import type { Principal } from '../src/application/identity/principal.js';
import { ReplayService, type SessionReplayItem } from '../src/application/replay/replay.service.js';
import { assertNever } from '../src/domain/shared/decider.js';
import type { SessionState } from '../src/domain/session/index.js';
import { loadConfig } from '../src/infrastructure/config/app-config.js';
import { PostgresEventStore } from '../src/infrastructure/event-store/postgres-event-store.js';
import { resolveDatabase } from '../src/infrastructure/postgres/database.js';

const USAGE = 'usage: npm run replay -- <session id | nine-digit session number>';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The operator at the terminal reads the stream as a supervisor would. */
const OPERATOR: Principal = { userId: 'replay-cli', name: 'replay (terminal)', roles: ['supervisor'], flags: {} };

async function sessionIdOf(pool: pg.Pool, arg: string): Promise<string> {
  if (UUID.test(arg)) return arg.toLowerCase();
  const digits = arg.replace(/[\s-]/g, '');
  if (!/^\d{9}$/.test(digits)) throw new Error(`${arg} is neither a session id (UUID) nor a nine-digit session number\n${USAGE}`);
  const live = await pool.query<{ session_id: string }>('SELECT session_id FROM session_numbers WHERE number = $1', [digits]);
  if (live.rows[0]) return live.rows[0].session_id;
  const any = await pool.query<{ id: string }>('SELECT id FROM session_view WHERE number = $1 ORDER BY started_at DESC LIMIT 1', [digits]);
  if (any.rows[0]) return any.rows[0].id;
  throw new Error(`no session has the number ${digits}`);
}

/** The event's data without the stamp every event carries, short. */
function what(item: SessionReplayItem): string {
  const { by: _by, at: _at, ...rest } = (item.data ?? {}) as Record<string, unknown>;
  const text = Object.entries(rest)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  const short = text.length > 90 ? `${text.slice(0, 87)}...` : text;
  return short ? `${item.type} ${short}` : item.type;
}

/** Controller, participants, activities and recording after the event. */
function summary(state: SessionState): string {
  switch (state.status) {
    case 'none':
      return '(no session)';
    case 'ended':
      return `ended (${state.reason}) by ${state.endedBy}`;
    case 'active':
    case 'queued': {
      const csrs = Object.entries(state.csrs).map(([id, place]) => `${id}:${place}`);
      const customers = state.customers.map((c) => `${c.customerId}:customer${c.customerId === state.activeCustomerId ? '*' : ''}`);
      const a = state.activities;
      const activities = [
        ...a.shares.map((s) => `share ${s.kind}/${s.mode} ${s.status}`),
        ...a.fileTransfers.map((t) => `file-transfer ${t.status}`),
        ...(a.chatOpen ? ['chat'] : []),
        ...(a.video ? ['video'] : []),
        ...(a.voiceCall ? [`call ${a.voiceCall.hostId}<->${a.voiceCall.withUserId}`] : []),
      ];
      const head = state.status === 'active' ? `controller=${state.controllerId}` : `queued (no controller)`;
      return `${head} participants=[${[...csrs, ...customers].join(' ')}] activities=[${activities.join(', ')}] recording=${a.recording ? 'on' : 'off'}`;
    }
    default:
      return assertNever(state);
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.length !== 1 || args[0] === '--help' || args[0] === '-h') {
    console.log(USAGE);
    return args.length === 1 ? 0 : 1;
  }
  const config = loadConfig();
  const database = await resolveDatabase(config, { shareRunning: true });
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const store = new PostgresEventStore({ pool, listen: false });
  try {
    const sessionId = await sessionIdOf(pool, args[0]!.trim());
    const replay = new ReplayService(store, {
      byNumber: () => Promise.reject(new Error('numbers are resolved by the script')),
    });
    const page = 1000;
    let history = await replay.sessionHistory(OPERATOR, sessionId, { offset: 0, limit: page });
    const first = history.items[0]!;
    const number = first.state.status === 'none' ? '?' : first.state.number;
    console.log(`session ${sessionId} (number ${number}): ${history.total} events`);
    const width = String(history.total - 1).length;
    for (let offset = 0; ;) {
      for (const item of history.items) {
        console.log(`v${String(item.version).padStart(width)}  ${item.at.toISOString()}  ${item.by ?? '-'}  ${what(item)}\n${' '.repeat(width + 3)}-> ${summary(item.state)}`);
      }
      offset += history.items.length;
      if (offset >= history.total || history.items.length === 0) break;
      history = await replay.sessionHistory(OPERATOR, sessionId, { offset, limit: page });
    }
    const chain = history.chain;
    if (chain.intact) {
      console.log(`chain: intact (${chain.events} events)`);
      return 0;
    }
    console.log(`chain: BROKEN at version ${chain.brokenAt.version} (event ${chain.brokenAt.id}): ${chain.brokenAt.reason}`);
    return 2;
  } finally {
    await store.close();
    await pool.end();
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`replay failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
