import type { Browser } from 'playwright-core';
import { graphqlClient, until } from '../support/graphql.js';
import { browserDescribe, browserIt, launchChromium, newPage, screenshot, signInLocally, startConsoleApp, WAIT, waitForAttribute } from '../support/browser.js';
import type { TestApp } from '../support/test-app.js';

/**
 * The console's control and hand-over tools in a real browser (CTL-1..3, Q-1..Q-5): a CSR passes
 * control to a helper and gets it back, then hands the session to a queue with a message (the
 * counter shows the 345-character limit); an agent takes it from the offers list.
 */
let t: TestApp;
let browser: Browser | undefined;
const { ok } = graphqlClient(() => t.url);

beforeAll(async () => {
  t = await startConsoleApp();
  browser = await launchChromium();
}, WAIT * 2);
afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await t?.close();
}, WAIT);

browserDescribe('consoles: control, hand-over and WebACD offers', () => {
  browserIt(
    'CTL-1 / Q-3 / Q-5 a CSR transfers control to a helper and gets it back, hands over to a queue with a message, and an agent accepts it from the offers list',
    async () => {
      const admin = await t.token('admin-w', ['admin']);
      await ok(admin, `mutation { changeSiteSettings(webacdEnabled: true) { webacdEnabled } }`);
      const queue = await ok(admin, `mutation { createQueue(name: "Second line", agentIds: ["carol"], offerTimeoutMs: 600000) { id } }`);

      // The agent is available in the queue, from the offers page.
      const agent = await newPage(browser!);
      await signInLocally(agent, t.url, 'carol', 'Carol', ['csr'], true);
      await agent.getByTestId('nav-offers').click();
      const availability = agent.getByTestId(`availability-${queue.id}`);
      await availability.waitFor({ state: 'attached' });
      // A controlled switch: it turns on once the server says the agent is available.
      await availability.click({ force: true });
      await until(
        'carol available',
        async () => {
          const q = await ok(admin, `query($id: ID!) { queue(queueId: $id) { agents { agentId available } } }`, { id: queue.id });
          return q.agents.some((a: { agentId: string; available: boolean }) => a.agentId === 'carol' && a.available);
        },
        WAIT,
        200,
      );

      const csr = await newPage(browser!);
      await signInLocally(csr, t.url, 'alice', 'Alice', ['csr'], true);
      await csr.getByTestId('start-email-box').setChecked(false, { force: true });
      await csr.getByTestId('start-session').click();
      const number = (await csr.getByTestId('session-number').innerText()).replace(/\s/g, '');
      const sessionId = /\/console\/sessions\/([0-9a-f-]+)/.exec(csr.url())![1]!;

      // A helper joins with the number; the CSR passes control to them, and they give it back (CTL-3).
      const helper = await t.token('hank', ['csr'], {}, 'Hank');
      await ok(helper, `mutation($n: String!) { joinSession(number: $n, as: helper) { id } }`, { n: number });
      await csr.getByTestId('transfer-hank').click();
      await until('hank controls', async () => (await ok(helper, `query($id: ID!) { session(id: $id) { controllerId } }`, { id: sessionId })).controllerId === 'hank', WAIT, 200);
      await csr.getByText('You do not control this session').first().waitFor();
      await ok(helper, `mutation($id: ID!) { transferControl(id: $id, toUserId: "alice") { id } }`, { id: sessionId });
      await csr.getByText('You control this session').first().waitFor();

      // Hand over with a message; the counter counts what a person reads.
      await csr.getByRole('tab', { name: 'Session' }).click();
      await csr.getByTestId('handover-queue').selectOption(queue.id);
      const message = 'Customer needs the billing team 👩‍💻';
      await csr.getByTestId('handover-message').fill(message);
      expect(await csr.getByTestId('handover-counter').innerText()).toBe(`${[...new Intl.Segmenter().segment(message)].length} of 345 characters`);
      await csr.getByTestId('handover-message').fill('x'.repeat(346));
      expect(await csr.getByTestId('handover-counter').innerText()).toBe('346 of 345 characters');
      expect(await csr.getByTestId('handover-submit').isDisabled()).toBe(true);
      await csr.getByTestId('handover-message').fill(message);
      await screenshot(csr, 'csr-hand-over');
      await csr.getByTestId('handover-submit').click();
      await waitForAttribute(csr.getByTestId('session-status'), 'data-testid', () => true, 'status');
      await until(
        'queued',
        async () => (await ok(helper, `query($id: ID!) { session(id: $id) { status } }`, { id: sessionId }).catch(() => ({ status: 'gone' }))).status !== 'active',
        WAIT,
        200,
      );

      // The agent sees the offer with the message and accepts it: they control the session.
      await agent.bringToFront();
      const offer = agent.getByTestId('offer').first();
      await offer.waitFor();
      expect(await offer.getByTestId('offer-message').innerText()).toContain(message);
      await screenshot(agent, 'agent-offers');
      await offer.getByTestId('offer-accept').click();
      await agent.waitForURL(`**/console/sessions/${sessionId}`);
      await agent.getByText('You control this session').first().waitFor();
      // The read model has the acceptance once it has projected it (the console answered from the command).
      const carol = await t.token('carol', ['csr'], { webacdAgent: true });
      const after = await until(
        'the read model with the acceptance',
        async () => {
          const v = await ok(carol, `query($id: ID!) { session(id: $id) { status controllerId } }`, { id: sessionId }).catch(() => undefined);
          return v?.status === 'active' ? v : undefined;
        },
        WAIT,
        200,
      );
      expect(after).toEqual({ status: 'active', controllerId: 'carol' });
      await csr.context().close();
      await agent.context().close();
    },
    WAIT * 5,
  );
});
