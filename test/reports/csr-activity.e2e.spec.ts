import fc from 'fast-check';
import pg from 'pg';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let db: pg.Pool;
beforeAll(async () => {
  t = await startTestApp();
  db = new pg.Pool({ connectionString: t.db.url, max: 2 });
  db.on('error', () => undefined);
});
afterAll(async () => {
  await db.end();
  await t.close();
});

async function ok(token: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await request(t.url).post('/graphql').set('authorization', `Bearer ${token}`).send({ query, variables });
  if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  return Object.values(res.body.data as Record<string, any>)[0];
}

/** A small fixture, played through the API: its report can be worked out by hand. */
async function fixture() {
  const [alice, bob] = [await t.token('rpt-alice', ['csr']), await t.token('rpt-bob', ['csr'])];
  const [c1, c2] = [await t.token('rpt-c1', ['customer']), await t.token('rpt-c2', ['customer'])];
  // Session 1: alice, two customers, bob helps; control goes to bob and back; a recording; a note each.
  const s1 = await ok(alice, 'mutation { startSession { id number } }');
  await ok(c1, 'mutation($n: String!) { joinSession(number: $n, as: customer) { id } }', { n: s1.number });
  await ok(c2, 'mutation($n: String!) { joinSession(number: $n, as: customer) { id } }', { n: s1.number });
  await ok(bob, 'mutation($n: String!) { joinSession(number: $n, as: helper) { id } }', { n: s1.number });
  await ok(alice, 'mutation($id: ID!) { startRecording(id: $id) { id } }', { id: s1.id });
  await ok(alice, 'mutation($id: ID!) { saveNote(id: $id, text: "printer driver reinstalled") { id } }', { id: s1.id });
  await ok(alice, 'mutation($id: ID!) { transferControl(id: $id, toUserId: "rpt-bob") { id } }', { id: s1.id });
  await ok(bob, 'mutation($id: ID!) { saveNote(id: $id, text: "checked the spooler") { id } }', { id: s1.id });
  await ok(bob, 'mutation($id: ID!) { transferControl(id: $id, toUserId: "rpt-alice") { id } }', { id: s1.id });
  await ok(alice, 'mutation($id: ID!) { endSession(id: $id) { id } }', { id: s1.id });
  // Session 2: alice again, and c1 comes back (one customer helped twice counts once).
  const s2 = await ok(alice, 'mutation { startSession { id number } }');
  await ok(c1, 'mutation($n: String!) { joinSession(number: $n, as: customer) { id } }', { n: s2.number });
  await ok(alice, 'mutation($id: ID!) { endSession(id: $id) { id } }', { id: s2.id });
  return [s1.id as string, s2.id as string];
}

/** Handle time worked out from the raw events: SessionEnded.at - SessionStarted.at. */
async function durationMs(sessionId: string): Promise<number> {
  const { rows } = await db.query(`SELECT type, data->>'at' AS at FROM es_events WHERE stream_id = $1 AND type IN ('SessionStarted', 'SessionEnded')`, [`session-${sessionId}`]);
  const at = (type: string) => Date.parse(rows.find((r) => r.type === type)!.at);
  return at('SessionEnded') - at('SessionStarted');
}

const REPORT = `query($from: String!, $to: String!, $csr: String) { csrActivityReport(from: $from, to: $to, csrId: $csr) {
  csrId sessions inboundSessions outboundSessions singleSessionMode multiSessionMode customersHelped handleTimeTotalMs handleTimeAverageMs
  pickedUpFromQueue averageQueueWaitMs transfersGiven transfersReceived handOvers recordings notes { sessionId text } } }`;

describe('CSR activity report', () => {
  it('RPT-1 matches the hand-computed figures for a small fixture', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const [s1, s2] = await fixture();
    const to = new Date(Date.now() + 60_000).toISOString();
    const [d1, d2] = [await durationMs(s1), await durationMs(s2)];
    const reporting = await t.token('rpt-analyst', ['reporting']);
    let rows: any[] = [];
    // The report reads a read model that follows the answers: wait until it shows both sessions
    // ended (their handle times), not merely one of them (the second end may not be in it yet).
    for (let i = 0; i < 200; i++) {
      rows = await ok(reporting, REPORT, { from, to });
      const alice = rows.find((r) => r.csrId === 'rpt-alice');
      if (alice?.sessions === 2 && alice.handleTimeTotalMs === d1 + d2) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(rows.find((r) => r.csrId === 'rpt-alice')).toEqual({
      csrId: 'rpt-alice',
      sessions: 2,
      inboundSessions: 0,
      outboundSessions: 2,
      singleSessionMode: 2,
      multiSessionMode: 0,
      customersHelped: 2,
      handleTimeTotalMs: d1 + d2,
      handleTimeAverageMs: Math.round((d1 + d2) / 2),
      pickedUpFromQueue: 0,
      averageQueueWaitMs: null,
      transfersGiven: 1,
      transfersReceived: 1,
      handOvers: 0,
      recordings: 1,
      notes: [{ sessionId: s1, text: 'printer driver reinstalled' }],
    });
    expect(rows.find((r) => r.csrId === 'rpt-bob')).toMatchObject({
      sessions: 1,
      customersHelped: 2,
      handleTimeTotalMs: d1,
      transfersGiven: 1,
      transfersReceived: 1,
      recordings: 0,
      notes: [{ sessionId: s1, text: 'checked the spooler' }],
    });
    // Another period shows nothing of it.
    const earlier = await ok(reporting, REPORT, { from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z' });
    expect(earlier).toEqual([]);
  });

  it('RPT-1 is for reporting and supervisors only; a CSR is refused', async () => {
    const csr = await t.token('rpt-nosy', ['csr']);
    const res = await request(t.url).get('/api/v1/reports/csr-activity?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z').set('authorization', `Bearer ${csr}`);
    expect(res.status).toBe(403);
    const supervisor = await t.token('rpt-boss', ['supervisor']);
    await request(t.url).get('/api/v1/reports/csr-activity?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z').set('authorization', `Bearer ${supervisor}`).expect(200);
  });

  it('RPT-1 a bad period is a 400 naming the field', async () => {
    const reporting = await t.token('rpt-analyst', ['reporting']);
    const res = await request(t.url).get('/api/v1/reports/csr-activity?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z').set('authorization', `Bearer ${reporting}`);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'INVALID_PERIOD', field: 'to' });
    for (const [query, field] of [
      ['from=yesterday&to=2026-01-01T00:00:00Z', 'from'],
      ['from=2026-02-01&to=2026-02-30', 'to'], // 30 February does not exist: not silently 2 March
      ['from=2026-01-01T00:00:00&to=2026-02-01T00:00:00Z', 'from'], // no offset: would depend on the server's zone
      ['from=2026-01-01T24:00:00Z&to=2026-02-01T00:00:00Z', 'from'],
    ]) {
      const bad = await request(t.url).get(`/api/v1/reports/csr-activity?${query}`).set('authorization', `Bearer ${reporting}`);
      expect([bad.status, bad.body.code, bad.body.field]).toEqual([422, 'INVALID_PERIOD', field]);
    }
    const gql = await request(t.url)
      .post('/graphql')
      .set('authorization', `Bearer ${reporting}`)
      .send({ query: '{ csrActivityReport(from: "2026-02-01", to: "2026-02-30") { csrId } }' });
    expect(gql.body.errors[0].extensions).toMatchObject({ code: 'INVALID_PERIOD', field: 'to' });
    await request(t.url).get('/api/v1/reports/csr-activity?from=2026-01-01&to=2026-02-01T00:00:00%2B02:00').set('authorization', `Bearer ${reporting}`).expect(200);
  });

  it('RPT-1 exports as CSV through a job: an id, progress, then the file', async () => {
    const reporting = await t.token('rpt-exporter', ['reporting']);
    const q = 'from=2026-01-01T00:00:00Z&to=2027-12-31T00:00:00Z';
    const direct = await request(t.url).get(`/api/v1/reports/csr-activity?${q}&format=csv`).set('authorization', `Bearer ${reporting}`).expect(200);
    expect(direct.headers['content-type']).toContain('text/csv');
    expect(direct.text.split('\r\n')[0]).toContain('csr_id,sessions,inbound,outbound');
    const { body } = await request(t.url)
      .post('/api/v1/reports/csr-activity/exports')
      .set('authorization', `Bearer ${reporting}`)
      .send({ from: '2026-01-01T00:00:00Z', to: '2027-12-31T00:00:00Z', format: 'csv' })
      .expect(201);
    let status: any;
    for (let i = 0; i < 200; i++) {
      status = (await request(t.url).get(`/api/v1/reports/exports/${body.id}`).set('authorization', `Bearer ${reporting}`).expect(200)).body;
      if (status.status === 'done' || status.status === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toMatchObject({ id: body.id, status: 'done', progress: 1, format: 'csv', error: null });
    const file = await request(t.url).get(`/api/v1/reports/exports/${body.id}/file`).set('authorization', `Bearer ${reporting}`).expect(200);
    expect(file.headers['content-disposition']).toContain(`csr-activity-${body.id}.csv`);
    expect(file.text).toBe(direct.text);
    // Someone else's export is not theirs to see.
    const other = await t.token('rpt-other', ['reporting']);
    await request(t.url).get(`/api/v1/reports/exports/${body.id}`).set('authorization', `Bearer ${other}`).expect(404);
  });

  it("RPT-1 CSV neutralises formulas: a note =1+1 is the cell '=1+1 (csv-stringify escape_formulas)", async () => {
    const csr = await t.token('rpt-formula', ['csr']);
    const s = await ok(csr, 'mutation { startSession { id } }');
    await ok(csr, 'mutation($id: ID!) { saveNote(id: $id, text: "=1+1") { id } }', { id: s.id });
    const reporting = await t.token('rpt-csv', ['reporting']);
    let csv = '';
    // Mutations answer before the report's read model has the note: poll until the note is in.
    for (let i = 0; i < 200 && !csv.includes("'=1+1"); i++) {
      csv = (
        await request(t.url).get('/api/v1/reports/csr-activity?from=2026-01-01&to=2027-12-31&csrId=rpt-formula&format=csv').set('authorization', `Bearer ${reporting}`).expect(200)
      ).text;
      if (!csv.includes("'=1+1")) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const [header, row] = csv.split('\r\n');
    expect(header!.split(',').at(-1)).toBe('notes');
    expect(row!.split(',').at(-1)).toBe("'=1+1");
    expect(row!.split(',')[0]).toBe('rpt-formula');
  });

  it('RPT-1 an export is its report: for random filters the export file equals the report (fast-check)', async () => {
    const reporting = await t.token('rpt-prop', ['reporting']);
    const csrs = ['rpt-alice', 'rpt-bob', 'rpt-formula', 'rpt-nobody'];
    const seed = Number(process.env.FUZZ_SEED ?? 20261130);
    console.log(`export = report property: seed ${seed}`);
    const bounds = ['2026-01-01', '2026-11-01T00:00:00Z', new Date(Date.now() - 3_600_000).toISOString(), new Date(Date.now() + 3_600_000).toISOString(), '2027-12-31'];
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          from: fc.integer({ min: 0, max: 3 }),
          span: fc.integer({ min: 1, max: 4 }),
          csrId: fc.option(fc.constantFrom(...csrs), { nil: undefined }),
          format: fc.constantFrom('json', 'csv'),
        }),
        async ({ from, span, csrId, format }) => {
          const filter = { from: bounds[from]!, to: bounds[Math.min(from + span, bounds.length - 1)]!, ...(csrId ? { csrId } : {}) };
          if (filter.from === filter.to) return;
          const query = new URLSearchParams({ ...filter, format }).toString();
          const report = await request(t.url).get(`/api/v1/reports/csr-activity?${query}`).set('authorization', `Bearer ${reporting}`).expect(200);
          const { body } = await request(t.url)
            .post('/api/v1/reports/csr-activity/exports')
            .set('authorization', `Bearer ${reporting}`)
            .send({ ...filter, format })
            .expect(201);
          let status: any;
          for (let i = 0; i < 400; i++) {
            status = (await request(t.url).get(`/api/v1/reports/exports/${body.id}`).set('authorization', `Bearer ${reporting}`).expect(200)).body;
            if (status.status === 'done' || status.status === 'failed') break;
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          expect(status.status).toBe('done');
          const file = await request(t.url)
            .get(`/api/v1/reports/exports/${body.id}/file`)
            .set('authorization', `Bearer ${reporting}`)
            .buffer(true)
            .parse((res, done) => {
              let text = '';
              res.on('data', (chunk: Buffer) => (text += chunk.toString()));
              res.on('end', () => done(null, text));
            });
          if (format === 'csv') expect(file.body).toBe(report.text);
          else expect(JSON.parse(file.body as string)).toEqual(report.body);
          if (csrId) for (const row of format === 'csv' ? [] : (report.body as { csrId: string }[])) expect(row.csrId).toBe(csrId);
        },
      ),
      { seed, numRuns: 8 },
    );
  });
});
