import pg from 'pg';
import request from 'supertest';
import { graphqlClient } from '../support/graphql.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Mutations answer from their own decision, never from the read model; queries given a mutation's
 * consistency token wait for the read model to reach it. The read model is held back for real:
 * another connection locks the session projection's checkpoint row, so its runner cannot commit.
 */
let t: TestApp;
let db: pg.Pool;
beforeAll(async () => {
  t = await startTestApp();
  db = new pg.Pool({ connectionString: t.db.url, max: 3 });
});
afterAll(async () => {
  await db.end();
  await t.close();
});

const { gql, ok } = graphqlClient(() => t.url);

/** Holds a projection (session_view by default) back until `release()`. */
async function holdReadModel(projection = 'session_view') {
  const client = await db.connect();
  await client.query('BEGIN');
  await client.query(`SELECT checkpoint FROM projection_checkpoints WHERE name = $1 FOR UPDATE`, [projection]);
  return {
    release: async () => {
      await client.query('COMMIT');
      client.release();
    },
  };
}

const inReadModel = async (id: string) => (await db.query('SELECT version FROM session_view WHERE id = $1', [id])).rows[0]?.version as number | undefined;

describe('answers from the decision, read-your-writes by consistency token', () => {
  it('a mutation succeeds with the state its own decision produced while the read model is held back; a query with its token waits for it', async () => {
    const token = await t.token('consistency-csr-1', ['csr']);
    const hold = await holdReadModel();
    let released = false;
    try {
      const started = await ok(token, 'mutation { startSession { id number status controllerId version consistencyToken } }');
      expect(started).toMatchObject({ status: 'active', controllerId: 'consistency-csr-1', version: 0 });
      expect(started.consistencyToken).toMatch(/^\d+[:/]\d+$/);
      const chatted = await ok(token, 'mutation($id: ID!) { sendChatMessage(id: $id, text: "hello") { version activities { chatOpen } consistencyToken } }', { id: started.id });
      expect(chatted).toMatchObject({ version: 1, activities: { chatOpen: true } });
      // The read model has not seen the session: the answers above did not come from it.
      expect(await inReadModel(started.id)).toBeUndefined();

      const query = ok(token, 'query($id: ID!, $after: String) { session(id: $id, after: $after) { version activities { chatOpen } } }', {
        id: started.id,
        after: chatted.consistencyToken,
      });
      const rest = request(t.url)
        .get(`/api/v1/sessions/${started.id}?after=${encodeURIComponent(chatted.consistencyToken)}`)
        .set('authorization', `Bearer ${token}`);
      expect(await inReadModel(started.id)).toBeUndefined();
      await hold.release();
      released = true;
      expect(await query).toEqual({ version: 1, activities: { chatOpen: true } });
      const viaRest = await rest;
      expect(viaRest.status).toBe(200);
      expect(viaRest.body).toMatchObject({ id: started.id, version: 1 });
    } finally {
      if (!released) await hold.release();
    }
  });

  it('a query whose token the read model does not reach within the wait gets READ_MODEL_BEHIND (409), not a stale or missing session', async () => {
    const token = await t.token('consistency-csr-2', ['csr']);
    const started = await ok(token, 'mutation { startSession { id consistencyToken } }');
    const hold = await holdReadModel();
    try {
      const chatted = await ok(token, 'mutation($id: ID!) { sendChatMessage(id: $id, text: "hi") { version consistencyToken } }', { id: started.id });
      const behind = await gql(token, 'query($id: ID!, $after: String) { session(id: $id, after: $after) { version } }', { id: started.id, after: chatted.consistencyToken });
      expect(behind.errors?.[0]?.extensions).toMatchObject({ code: 'READ_MODEL_BEHIND', status: 409 });
    } finally {
      await hold.release();
    }
  }, 20_000);

  it('a token no mutation returned is refused with a clear 400 naming `after`', async () => {
    const token = await t.token('consistency-csr-3', ['csr']);
    const started = await ok(token, 'mutation { startSession { id consistencyToken } }');
    const bad = await gql(token, 'query($id: ID!, $after: String) { session(id: $id, after: $after) { version } }', { id: started.id, after: 'yesterday' });
    expect(bad.errors?.[0]?.extensions.status).toBe(400);
    expect(JSON.stringify(bad.errors)).toContain('after');
    const rest = await request(t.url).get(`/api/v1/sessions/${started.id}?after=yesterday`).set('authorization', `Bearer ${token}`);
    expect(rest.status).toBe(400);
    expect(JSON.stringify(rest.body)).toContain('after');
  });

  it('a repeated command id answers with the stream as it is, with a token that covers the first run', async () => {
    const token = await t.token('consistency-csr-4', ['csr']);
    const started = await ok(token, 'mutation { startSession { id } }');
    const send = () => ok(token, 'mutation($id: ID!) { sendChatMessage(id: $id, text: "once", commandId: "chat-once") { version consistencyToken } }', { id: started.id });
    const first = await send();
    const again = await send();
    expect(again).toEqual(first);
    const seen = await ok(token, 'query($id: ID!, $after: String) { session(id: $id, after: $after) { version } }', { id: started.id, after: again.consistencyToken });
    expect(seen.version).toBe(first.version);
  });

  it("TL-1 / TL-6 chat and notes given a mutation's token wait for the conversation read model, then show the message and the note", async () => {
    const token = await t.token('consistency-csr-5', ['csr']);
    const started = await ok(token, 'mutation { startSession { id } }');
    const hold = await holdReadModel('session_conversation');
    let released = false;
    try {
      await ok(token, 'mutation($id: ID!) { sendChatMessage(id: $id, text: "read me") { version } }', { id: started.id });
      const noted = await ok(token, 'mutation($id: ID!) { saveNote(id: $id, text: "noted") { version consistencyToken } }', { id: started.id });
      const chat = ok(token, 'query($id: ID!, $token: String) { chatMessages(sessionId: $id, consistencyToken: $token) { items { text } } }', {
        id: started.id,
        token: noted.consistencyToken,
      });
      const notes = ok(token, 'query($id: ID!, $token: String) { sessionNotes(sessionId: $id, consistencyToken: $token) { text } }', {
        id: started.id,
        token: noted.consistencyToken,
      });
      expect((await db.query('SELECT count(*)::int AS n FROM session_chat WHERE session_id = $1', [started.id])).rows[0].n).toBe(0);
      await hold.release();
      released = true;
      expect((await chat).items).toEqual([{ text: 'read me' }]);
      expect(await notes).toEqual([{ text: 'noted' }]);
    } finally {
      if (!released) await hold.release();
    }
  });
});
