import type { Browser, Page } from 'playwright-core';
import { seriousViolations } from '../support/axe.js';
import { graphqlClient, until } from '../support/graphql.js';
import { browserDescribe, browserIt, launchChromium, newPage, screenshot, signInLocally, startConsoleApp, WAIT } from '../support/browser.js';
import type { TestApp } from '../support/test-app.js';

/**
 * The console the admin chooses for a CSR (CON-1): the dashboard, a compact tray of icons, or the
 * multi-session window with a tab per session, so each customer has a tab of their own (MC-4);
 * axe finds no serious or critical violation in either.
 * And GraphiQL at /graphql from our own bundle, working with every outside address blocked.
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

/** Every request the page makes to a host other than the app's own is aborted, and remembered. */
async function offline(page: Page): Promise<string[]> {
  const outside: string[] = [];
  const own = new URL(t.url).host;
  await page.context().route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.host === own || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    outside.push(url.href);
    return route.abort();
  });
  return outside;
}

browserDescribe('consoles: console types and the offline GraphQL sandbox', () => {
  browserIt(
    "CON-1 / MC-4 the admin switches a CSR's console: the compact tray, then the multi-session window with a tab per session and customer",
    async () => {
      const admin = await t.token('admin-l', ['admin']);
      await ok(admin, `mutation { changeSiteSettings(multiSessionAllowed: true) { multiSessionAllowed } }`);
      await ok(admin, `mutation { changeUserSettings(userId: "maya", consoleType: "compact") }`);
      const maya = await t.token('maya', ['csr'], {}, 'Maya');
      expect(await ok(maya, `{ whoami { consoleType sessionMode } }`)).toEqual({ consoleType: 'compact', sessionMode: 'single' });

      // Compact: the session's tools behind a tray of icons, each named for screen readers.
      const page = await newPage(browser!);
      await signInLocally(page, t.url, 'maya', 'Maya');
      await page.getByTestId('start-email-box').setChecked(false, { force: true });
      await page.getByTestId('start-session').click();
      const console = page.locator('[data-testid=console][data-layout=compact]');
      await console.waitFor();
      const tray = page.getByTestId('tray');
      for (const name of ['Tools', 'Desktop', 'Application', 'Session']) await tray.getByRole('tab', { name }).waitFor();
      await tray.getByRole('tab', { name: 'Tools' }).click();
      await page.getByTestId('chat-input').waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'csr-compact');
      await page.getByTestId('end-session').click();
      await until('the compact session ended', async () => (await ok(maya, `{ mySessions(status: "active") { id } }`)).length === 0, WAIT, 200);

      // Multi-session: the admin gives the privilege and the window; each session gets a tab.
      await ok(admin, `mutation { changeUserSettings(userId: "maya", consoleType: "multi_session", multiSession: true) }`);
      expect(await ok(maya, `{ whoami { consoleType sessionMode } }`)).toEqual({ consoleType: 'multi_session', sessionMode: 'multi' });
      await page.goto(`${t.url}/console`);
      await page.getByTestId('multi-session').waitFor();
      const started: string[] = [];
      for (const customer of ['Nora', 'Omar']) {
        await page.getByTestId('session-tab-new').click();
        await page.getByTestId('start-email-box').setChecked(false, { force: true });
        await page.getByTestId('start-session').click();
        const sessionId = await until(
          `a new session for ${customer}`,
          async () => {
            const now = /\/console\/sessions\/([0-9a-f-]+)/.exec(page.url())?.[1];
            return now && !started.includes(now) ? now : undefined;
          },
          WAIT,
          100,
        );
        started.push(sessionId);
        // The console shows the session from its start's answer; the read model has it a moment later.
        const { number } = await until(
          'the started session in the read model',
          () => ok(maya, `query($id: ID!) { session(id: $id) { number } }`, { id: sessionId }).catch(() => undefined),
          WAIT,
          100,
        );
        const token = await t.token(`cust-${customer}`, ['customer']);
        await ok(token, `mutation($n: String!, $name: String!) { joinSession(number: $n, as: customer, displayName: $name) { id } }`, { n: number, name: customer });
      }
      // One tab per session, named for its customer (MC-4); each tab holds that session's console.
      for (const [i, customer] of ['Nora', 'Omar'].entries()) {
        const tab = page.getByTestId(`session-tab-${started[i]}`);
        await tab.filter({ hasText: customer }).waitFor();
        await tab.click();
        const panel = page.getByTestId(`session-panel-${started[i]}`);
        const { number } = await ok(maya, `query($id: ID!) { session(id: $id) { number } }`, { id: started[i] });
        expect((await panel.getByTestId('session-number').innerText()).replace(/\s/g, '')).toBe(number);
      }
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'csr-multi-session');
      await page.context().close();
    },
    WAIT * 5,
  );

  browserIt(
    'GraphiQL at /graphql comes from our own bundle: with every outside address blocked it loads and runs a query',
    async () => {
      const page = await newPage(browser!);
      const outside = await offline(page);
      await page.goto(`${t.url}/graphql`);
      await page.locator('.graphiql-container').waitFor();
      // Monaco loads its editors lazily: run the query once they show it, again until the answer is there.
      await page.locator('.graphiql-query-editor').filter({ hasText: 'health' }).waitFor();
      const response = page.locator('.graphiql-response').filter({ hasText: /"health":\s*\{/ });
      await until(
        'the answer in the result pane',
        async () => {
          await page.locator('.graphiql-execute-button').click();
          return response.waitFor({ timeout: 5_000 }).then(
            () => true,
            () => false,
          );
        },
        WAIT,
        0,
      );
      await screenshot(page, 'graphiql');
      expect(outside).toEqual([]);
      await page.context().close();
    },
    WAIT * 3,
  );
});
