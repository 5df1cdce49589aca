import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { graphqlClient } from '../support/graphql.js';
import { browserDescribe, browserIt, launchChromium, newPage, screenshot, signInLocally, startConsoleApp, WAIT, waitForAttribute } from '../support/browser.js';
import type { TestApp } from '../support/test-app.js';

/**
 * Supervisors and reporting in a real browser (RPT-1, RPT-2): a 30-event replay scrubbed to event
 * 12 shows the state the API's sessionStateAt gives; an edited event shows the broken chain; the
 * activity report draws its chart and exports its CSV with progress.
 */
let t: TestApp;
let browser: Browser | undefined;
let db: pg.Pool;
const { ok } = graphqlClient(() => t.url);

beforeAll(async () => {
  t = await startConsoleApp();
  db = new pg.Pool({ connectionString: t.db.url, max: 2 });
  browser = await launchChromium();
}, WAIT * 2);
afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await db?.end();
  await t?.close();
}, WAIT);

/**
 * A live session of `csrId`'s with exactly `events` events (start, a customer, a share, a note,
 * chat); `end` ends it after. One CSR per test: in single-session mode a CSR runs one at a time (SES-3).
 */
async function sessionOf(events: number, csrId: string, end = false): Promise<string> {
  const csr = await t.token(csrId, ['csr'], {}, csrId);
  const customer = await t.token(`cust-${csrId}`, ['customer']);
  const s = await ok(csr, `mutation { startSession { id number version } }`);
  await ok(customer, `mutation($n: String!) { joinSession(number: $n, as: customer, displayName: "Dana") { id } }`, { n: s.number });
  const share = await ok(csr, `mutation($id: ID!) { requestShare(id: $id, kind: desktop, mode: view) { activities { shares { shareId } } } }`, { id: s.id });
  await ok(customer, `mutation($id: ID!, $sh: String!) { approveShare(id: $id, shareId: $sh) { id } }`, { id: s.id, sh: share.activities.shares[0].shareId });
  let version = (await ok(csr, `mutation($id: ID!) { saveNote(id: $id, text: "printer jam") { version } }`, { id: s.id })).version as number;
  for (let i = 0; version + 1 < events; i++)
    version = (await ok(i % 2 ? customer : csr, `mutation($id: ID!, $text: String!) { sendChatMessage(id: $id, text: $text) { version } }`, { id: s.id, text: `message ${i}` }))
      .version;
  if (end) await ok(csr, `mutation($id: ID!) { endSession(id: $id) { id } }`, { id: s.id });
  return s.id;
}

browserDescribe('consoles: supervision and reporting', () => {
  browserIt(
    'RPT-2 a supervisor scrubs a 30-event replay: the state at event 12 is the API sessionStateAt; an edited event shows the broken chain, naming it',
    async () => {
      const id = await sessionOf(30, 'alice');
      const supervisor = await t.token('sue', ['supervisor']);
      const history = await ok(supervisor, `query($id: ID!) { sessionHistory(id: $id, limit: 100) { total chain { intact } } }`, { id });
      expect(history).toEqual({ total: 30, chain: { intact: true } });

      const page = await newPage(browser!);
      await signInLocally(page, t.url, 'sue', 'Sue', ['supervisor']);
      await page.getByTestId('filter-csr').fill('alice');
      await page.getByTestId('filter-apply').click();
      await page.getByTestId(`replay-${id}`).click();
      await waitForAttribute(page.getByTestId('chain-verdict'), 'data-intact', (v) => v === 'yes', 'the chain verdict');
      await waitForAttribute(page.getByTestId('state'), 'data-version', (v) => v === '29', 'the last state at first');

      // Scrub with the keyboard: to the first event, then eleven steps on.
      const thumb = page.getByTestId('scrubber').getByRole('slider');
      await thumb.focus();
      await page.keyboard.press('Home');
      for (let i = 0; i < 11; i++) await page.keyboard.press('ArrowRight');
      await waitForAttribute(page.getByTestId('state'), 'data-version', (v) => v === '11', 'the state after event 12');
      await screenshot(page, 'supervisor-replay');
      const shown = JSON.parse((await page.getByTestId('state-json').textContent())!);
      const api = await ok(supervisor, `query($id: ID!) { sessionStateAt(id: $id, version: 11) { version stateJson } }`, { id });
      expect(api.version).toBe(11);
      expect(shown).toEqual(JSON.parse(api.stateJson));

      // Someone edits a stored chat message: the replay names the first broken event.
      const edited = await db.query(
        `UPDATE es_events SET data = jsonb_set(data, '{text}', '"nothing happened"') WHERE stream_id = $1 AND stream_version = 20 AND type = 'ChatMessageSent'`,
        [`session-${id}`],
      );
      expect(edited.rowCount).toBe(1);
      await page.reload();
      await waitForAttribute(page.getByTestId('chain-verdict'), 'data-intact', (v) => v === 'no', 'the broken chain');
      expect(await page.getByTestId('chain-verdict').getAttribute('data-broken-version')).toBe('20');
      expect(await page.getByTestId('chain-verdict').innerText()).toContain('event 21 (ChatMessageSent)');
      await screenshot(page, 'supervisor-broken-chain');
      await page.context().close();
    },
    WAIT * 5,
  );

  browserIt(
    'RPT-2 / Q-2 a supervisor picks a queue in the filters and sees only the sessions that passed through it',
    async () => {
      const admin = await t.token('ada', ['admin']);
      await ok(admin, `mutation { changeSiteSettings(webacdEnabled: true) { webacdEnabled } }`);
      const queue = await ok(admin, `mutation { createQueue(name: "Billing desk", agentIds: ["zoe"], offerTimeoutMs: 60000) { id } }`);
      // One session handed over to the queue (it waits there), one that met no queue.
      const giver = await t.token('gil', ['csr'], { webacdAgent: true }, 'Gil');
      const handed = await ok(giver, `mutation { startSession { id number } }`);
      await ok(await t.token('cust-gil', ['customer']), `mutation($n: String!) { joinSession(number: $n, as: customer, displayName: "Dana") { id } }`, { n: handed.number });
      const queued = await ok(giver, `mutation($id: ID!, $q: String) { handToQueue(id: $id, queueId: $q) { consistencyToken } }`, { id: handed.id, q: queue.id });
      const other = await sessionOf(3, 'otto');
      const supervisor = await t.token('sue', ['supervisor']);
      const api = await ok(supervisor, `query($q: String, $after: String) { sessions(queueId: $q, after: $after) { items { id } } }`, {
        q: queue.id,
        after: queued.consistencyToken,
      });
      expect(api.items).toEqual([{ id: handed.id }]);

      const page = await newPage(browser!);
      await signInLocally(page, t.url, 'sue', 'Sue', ['supervisor']);
      await page.getByTestId(`replay-${other}`).waitFor();
      await page.getByTestId('filter-queue').selectOption({ label: 'Billing desk' });
      await page.getByTestId('filter-apply').click();
      // Only the handed-over session is left (the unfiltered list showed both).
      const onlyHanded = `(() => { const rows = [...document.querySelectorAll('[data-testid=sessions] tbody tr')];
        return rows.length === 1 && rows[0].getAttribute('data-session') === '${handed.id}'; })()`;
      await page.waitForFunction(onlyHanded, undefined, { timeout: WAIT });
      await screenshot(page, 'supervisor-queue-filter');
      await page.context().close();
    },
    WAIT * 5,
  );

  browserIt(
    'RPT-1 the activity report draws its chart per CSR and exports the CSV with its progress',
    async () => {
      await sessionOf(8, 'amir', true);
      const page = await newPage(browser!);
      await signInLocally(page, t.url, 'rita', 'Rita', ['reporting']);
      await page.goto(`${t.url}/console/reports`);
      await page.getByTestId('report-run').click();
      await page.locator('[data-testid=report-table] tr[data-csr=amir]').waitFor();
      // ECharts drew the bars and the line (SVG renderer).
      const chart = page.getByTestId('report-chart').locator('svg');
      await chart.waitFor();
      await page.waitForFunction("document.querySelectorAll('[data-testid=report-chart] svg path').length > 2", undefined, { timeout: WAIT });
      await screenshot(page, 'reports');

      await page.getByTestId('report-export').click();
      await waitForAttribute(page.getByTestId('export'), 'data-done', (v) => v === 'yes', 'the export finished');
      expect(await page.getByTestId('export').getAttribute('data-progress')).toBe('100');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
      const csv = readFileSync((await download.path())!, 'utf8');
      expect(csv.split('\n')[0]).toMatch(/csr/i);
      expect(csv).toContain('amir');
      await page.context().close();
    },
    WAIT * 5,
  );
});
