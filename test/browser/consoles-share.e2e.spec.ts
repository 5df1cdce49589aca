import type { Browser, Page } from 'playwright-core';
import { graphqlClient, until } from '../support/graphql.js';
import { browserDescribe, browserIt, invitationMail, launchChromium, newPage, screenshot, signInLocally, startConsoleApp, WAIT, waitForAttribute } from '../support/browser.js';
import type { TestApp } from '../support/test-app.js';

/**
 * The consoles in a real browser (SHR-1, SHR-4, INV-3, SES-5): a customer opens the link of the
 * invitation mail, joins with a name, is asked for consent and approves; the CSR's console
 * decodes frames of the customer's (fake) screen; the customer stops and the CSR's video ends.
 * Both opening orders: the CSR's console first, and the customer's page first.
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

/** The parts of an HTMLVideoElement the checks read (the test runs in Node, without DOM types). */
interface VideoLike {
  videoWidth: number;
  videoHeight: number;
  readyState: number;
  srcObject: unknown;
}

const screen = (page: Page) => page.getByTestId('remote-screen');

/** The customer's page opens the mailed link and joins with a name. */
async function customerJoins(customer: Page, link: string, name: string) {
  await customer.goto(link);
  await customer.getByTestId('join-name').fill(name);
  // The invitation token is read from the fragment and taken out of the address bar.
  expect(customer.url()).not.toContain('invitation=');
  await customer.getByTestId('join-submit').click();
  await customer.getByTestId('participants').waitFor();
}

/** The customer is asked who wants what (view, desktop) and approves; their page starts sharing. */
async function customerApproves(customer: Page, expectWho: string) {
  await customer.getByTestId('consent-approve').waitFor();
  const asked = await customer.getByTestId('consent-text').innerText();
  expect(asked).toContain(expectWho);
  expect(asked).toContain('view');
  expect(asked).toContain('desktop');
  await screenshot(customer, 'customer-consent');
  await customer.getByTestId('consent-approve').click();
  await waitForAttribute(customer.getByTestId('share-card'), 'data-sharing', (v) => v === 'yes', 'the customer shares');
}

async function framesDecodeThenEnd(csr: Page, customer: Page, shot: string) {
  await csr.bringToFront(); // background tabs' frame callbacks slow to about one a second
  await waitForAttribute(screen(csr), 'data-phase', (v) => v === 'playing', 'the CSR sees the picture');
  await waitForAttribute(screen(csr), 'data-frames', (v) => Number(v) > 5, 'frames keep decoding on the CSR console');
  const size = await csr.getByTestId('remote-video').evaluate((v) => {
    const video = v as unknown as VideoLike;
    return { w: video.videoWidth, h: video.videoHeight, ready: video.readyState };
  });
  expect(size.w).toBeGreaterThan(0);
  expect(size.ready).toBeGreaterThanOrEqual(2);
  await screenshot(csr, shot);

  await customer.bringToFront();
  await customer.getByTestId('share-stop').click();
  await waitForAttribute(customer.getByTestId('share-card'), 'data-sharing', (v) => v === 'no', 'the customer stopped');
  await waitForAttribute(screen(csr), 'data-phase', (v) => v === 'ended', "the CSR's video ends");
  expect(await csr.getByTestId('remote-video').evaluate((v) => (v as unknown as VideoLike).srcObject)).toBeNull();
}

browserDescribe('consoles: a customer shares their screen with the CSR', () => {
  browserIt(
    "SHR-1 / SHR-4 / INV-3 the CSR's console opens first: start with an e-mail invitation, request a view; the customer opens the mailed link, joins, approves; frames decode; the customer stops and the video ends",
    async () => {
      const csr = await newPage(browser!);
      await signInLocally(csr, t.url, 'alice', 'Alice');
      await screenshot(csr, 'csr-dashboard');
      const address = `dana-${Date.now()}@example.org`;
      await csr.getByTestId('start-email').fill(address);
      await csr.getByTestId('start-session').click();
      await csr.getByTestId('session-number').waitFor();
      const sessionId = /\/console\/sessions\/([0-9a-f-]+)/.exec(csr.url())![1]!;

      const { link } = await invitationMail(t, address);
      expect(link.startsWith(`${t.url}/join/`)).toBe(true);
      const customer = await newPage(browser!);
      await customerJoins(customer, link, 'Dana');
      await screenshot(customer, 'customer-session');

      // The console shows the customer, and asks to view their desktop.
      await csr.locator('[data-testid=participants] [data-place=customer]').waitFor();
      await csr.getByTestId('request-share-desktop').click();
      await csr.locator('[data-testid=shares] tr[data-status=requested]').waitFor();
      await screenshot(csr, 'csr-session');
      await customerApproves(customer, 'Alice');
      await framesDecodeThenEnd(csr, customer, 'csr-sees-screen');

      // The share is over for the server too, once the sessions read model has the customer's stop
      // (the browser's endShare answer and its consistency token stay in the page).
      const alice = await t.token('alice', ['csr']);
      const view = await until(
        'the read model without the share',
        async () => {
          const v = await ok(alice, `query($id: ID!) { session(id: $id) { activities { shares { shareId } } participants { displayName place } } }`, { id: sessionId });
          return v.activities.shares.length === 0 ? v : undefined;
        },
        WAIT,
        200,
      );
      expect(view.activities.shares).toEqual([]);
      expect(view.participants).toContainEqual({ displayName: 'Dana', place: 'customer' });
      await csr.context().close();
      await customer.context().close();
    },
    WAIT * 5,
  );

  browserIt(
    "SHR-1 / SHR-4 the customer's page opens first and shares before the CSR's console is there; when the console opens, the customer's page offers again and frames decode; stopping ends the video",
    async () => {
      const csrToken = await t.token('bob', ['csr'], {}, 'Bob');
      const address = `erin-${Date.now()}@example.org`;
      const s = await ok(csrToken, `mutation($inv: [InvitationInput!]) { startSession(invitations: $inv) { id } }`, { inv: [{ invitee: 'customer', channel: 'email', address }] });
      const { link } = await invitationMail(t, address);
      const customer = await newPage(browser!);
      await customerJoins(customer, link, 'Erin');
      await ok(csrToken, `mutation($id: ID!) { requestShare(id: $id, kind: desktop, mode: view) { id } }`, { id: s.id });
      // The customer's page offers while no console of the CSR is connected.
      await customerApproves(customer, 'Bob');

      const csr = await newPage(browser!);
      await signInLocally(csr, t.url, 'bob', 'Bob');
      await csr.goto(`${t.url}/console/sessions/${s.id}`);
      await framesDecodeThenEnd(csr, customer, 'csr-sees-screen-late');
      await csr.context().close();
      await customer.context().close();
    },
    WAIT * 5,
  );
});
