import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { graphqlClient } from '../support/graphql.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The WebRTC pages in a real browser: Debian's Chromium (`/usr/bin/chromium`, installed by
 * .ci/run when it can be), headless, with fake media devices. Skips, saying so, without it.
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn('WebRTC browser test skipped: Debian chromium is not installed (.ci/run installs it)');
const browserTest = hasChromium ? it : it.skip;

const FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  // Where only `lo` is up, Chromium gathers no ICE candidates without it.
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
];
const WAIT = 60_000;

let t: TestApp;
let context: BrowserContext | undefined;
let userDataDir: string | undefined;
const { ok } = graphqlClient(() => t.url);

beforeAll(async () => {
  if (hasChromium) t = await startTestApp();
}, WAIT);
afterAll(async () => {
  await context?.close().catch(() => undefined);
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  await t?.close();
}, WAIT);

type Tandem = Record<string, any>;
const tandem = (page: Page): Promise<Tandem> => page.evaluate(() => JSON.parse(JSON.stringify((globalThis as any).__tandem)));
/** Waits until `predicate(window.__tandem)` holds in `page`; on a timeout, says what the page saw. */
async function waitFor(page: Page, what: string, predicate: string) {
  try {
    await page.waitForFunction(`(() => { const T = window.__tandem; return !!T && (${predicate}); })()`, undefined, { timeout: WAIT, polling: 100 });
  } catch (error) {
    throw new Error(`${what}: ${(error as Error).message.split('\n')[0]}; page state ${JSON.stringify(await tandem(page).catch(() => null)).slice(0, 1500)}`);
  }
}

describe('WebRTC pages in Chromium', () => {
  browserTest(
    'SHR-1 / SHR-4 the customer page sends its screen to the CSR page for an approved desktop view share; frames decode, data flows both ways; endShare closes both ends and a new offer is refused',
    async () => {
      const csrId = 'csr-browser-1';
      const customerId = 'cust-browser-1';
      const csrToken = await t.token(csrId, ['csr']);
      const customerToken = await t.token(customerId, ['customer']);
      const s = await ok(csrToken, `mutation { startSession { id number } }`);
      await ok(customerToken, `mutation($n: String!) { joinSession(number: $n, as: customer) { id } }`, { n: s.number });
      const requested = await ok(csrToken, `mutation($id: ID!) { requestShare(id: $id, kind: desktop, mode: view) { activities { shares { shareId } } } }`, { id: s.id });
      const shareId: string = requested.activities.shares.at(-1).shareId;
      await ok(customerToken, `mutation($id: ID!, $sh: String!) { approveShare(id: $id, shareId: $sh) { id } }`, { id: s.id, sh: shareId });

      userDataDir = mkdtempSync(join(tmpdir(), 'tandem-chromium-'));
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        ignoreDefaultArgs: ['--headless'],
        headless: true,
        args: FLAGS,
        timeout: WAIT,
      });
      const q = (token: string, extra = '') => `?token=${encodeURIComponent(token)}&session=${encodeURIComponent(s.id)}${extra}`;

      // The CSR page joins first, so that it is there when the customer page offers.
      const csrPage = context.pages()[0] ?? (await context.newPage());
      await csrPage.goto(`${t.url}/pages/csr.html${q(csrToken)}`);
      await waitFor(csrPage, 'CSR page joined', 'T.ready || T.fatal');
      expect((await tandem(csrPage)).fatal).toBeNull();

      const customerPage = await context.newPage();
      await customerPage.goto(`${t.url}/pages/customer.html${q(customerToken, `&share=${encodeURIComponent(shareId)}`)}`);
      await waitFor(customerPage, 'customer page offered', 'T.offersSent > 0 || T.fatal');
      expect(await tandem(customerPage)).toMatchObject({ fatal: null, you: customerId, offersSent: 1, iceServers: expect.any(Array) });

      // Background tabs' frame callbacks slow to about one a second: look at the CSR page.
      await csrPage.bringToFront();
      await waitFor(csrPage, 'frames decoded on the CSR page', 'T.framesDecoded > 0 && T.frameCallbacks > 0 && T.videoWidth > 0');
      await waitFor(csrPage, 'data from the customer on the CSR page', `T.dataReceived.includes('hello from customer')`);
      await waitFor(customerPage, 'data from the CSR on the customer page', `T.dataReceived.includes('hello from csr') && T.dataReceived.includes('echo: hello from customer')`);
      const csrSeen = await tandem(csrPage);
      expect(csrSeen).toMatchObject({ connectionState: 'connected', errors: [], shareId });
      expect(csrSeen.signals[0]).toEqual({ from: customerId, media: 'desktop', shareId, kind: 'offer' });
      expect((await tandem(customerPage)).errors).toEqual([]);

      await ok(csrToken, `mutation($id: ID!, $sh: String!) { endShare(id: $id, shareId: $sh) { id } }`, { id: s.id, sh: shareId });
      for (const page of [csrPage, customerPage]) {
        await waitFor(page, 'close-media on both pages', `T.closed.length > 0 && T.connectionState === 'closed'`);
        expect((await tandem(page)).closed).toEqual([{ media: 'desktop', shareId, reason: 'share_ended' }]);
      }

      // SHR-4: once the share has ended, a new offer for it goes nowhere.
      const offersBefore = (await tandem(csrPage)).signals.filter((f: Tandem) => f.kind === 'offer').length;
      await customerPage.evaluate((id) => (globalThis as any).__tandem.share(id), shareId);
      await waitFor(customerPage, 'the gateway refuses the new offer', `T.errors.some((e) => e.code === 'SHARE_NOT_APPROVED')`);
      // ... and the page tears that peer connection down instead of trickling candidates into refusals.
      await waitFor(customerPage, 'the refused peer connection closed', `T.connectionState === 'closed'`);
      expect((await tandem(customerPage)).offersSent).toBe(2);
      await csrPage.waitForTimeout(300);
      expect((await tandem(csrPage)).signals.filter((f: Tandem) => f.kind === 'offer')).toHaveLength(offersBefore);

      await context.close();
      context = undefined;
    },
    120_000,
  );
});
