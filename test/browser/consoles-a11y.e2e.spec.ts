import type { Browser, Page } from 'playwright-core';
import { seriousViolations } from '../support/axe.js';
import { graphqlClient } from '../support/graphql.js';
import { browserDescribe, browserIt, launchChromium, newPage, screenshot, signInLocally, startConsoleApp, WAIT } from '../support/browser.js';
import type { TestApp } from '../support/test-app.js';

/**
 * Every page of the consoles, in English and in Arabic: Arabic pages are right to left
 * (`<html dir="rtl">`), and axe finds no serious or critical accessibility violation.
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

/** What each page showed: its direction and language, and axe's serious or critical violations. */
type Found = { name: string; dir: unknown; lang: unknown; violations: string[] };

async function check(found: Found[], page: Page, name: string, ready: () => Promise<unknown>) {
  await ready();
  const dir = await page.evaluate('document.documentElement.dir');
  const lang = await page.evaluate('document.documentElement.lang');
  found.push({ name, dir, lang, violations: await seriousViolations(page) });
  await screenshot(page, `${name}-${lang}`);
}

browserDescribe('consoles: languages and accessibility', () => {
  for (const lang of ['en', 'ar'] as const) {
    browserIt(
      `every page in ${lang === 'ar' ? 'Arabic has dir="rtl"' : 'English has dir="ltr"'} and no serious or critical axe violation`,
      async () => {
        const found: Found[] = [];
        // A CSR per language: in single-session mode a CSR runs one session at a time (SES-3).
        const csrId = `alice-${lang}`;
        const csrToken = await t.token(csrId, ['csr'], {}, 'Alice');
        const s = await ok(csrToken, `mutation { startSession { id number } }`);
        const admin = await t.token('admin-a', ['admin']);
        await ok(admin, `mutation { changeSiteSettings(webacdEnabled: true) { webacdEnabled } }`);
        const queue = await ok(admin, `mutation { createQueue(name: "Help desk", agentIds: ["${csrId}"], offerTimeoutMs: 60000) { id } }`);

        // Public pages.
        const visitor = await newPage(browser!);
        await visitor.goto(`${t.url}/?lang=${lang}`);
        await check(found, visitor, 'home', () => visitor.getByRole('heading', { level: 1 }).waitFor());
        await visitor.goto(`${t.url}/join`);
        await check(found, visitor, 'join', () => visitor.getByTestId('join-number').waitFor());
        await visitor.goto(`${t.url}/help/${queue.id}`);
        await check(found, visitor, 'help', () => visitor.getByRole('heading', { level: 1 }).waitFor());
        await visitor.getByTestId('help-name').fill('Dana');
        await visitor.getByTestId('help-email').fill(`dana-${lang}@example.test`);
        await visitor.getByTestId('help-problem').fill('The printer is offline');
        await visitor.getByTestId('help-submit').click();
        await check(found, visitor, 'help-waiting', () => visitor.getByTestId('help-place').waitFor());
        await visitor.goto(`${t.url}/join/${s.number}`);
        await visitor.getByTestId('join-name').fill('Dana');
        await visitor.getByTestId('join-submit').click();
        await check(found, visitor, 'customer-session', () => visitor.getByTestId('participants').waitFor());
        // The consent dialog (SHR-1) over the customer's session.
        await ok(csrToken, `mutation($id: ID!) { requestShare(id: $id, kind: desktop, mode: view) { id } }`, { id: s.id });
        await check(found, visitor, 'customer-consent', () => visitor.getByTestId('consent-approve').waitFor());
        await visitor.getByTestId('consent-decline').click();
        await visitor.context().close();

        // The console, signed in with every role.
        const page = await newPage(browser!);
        await page.goto(`${t.url}/console?lang=${lang}`);
        await check(found, page, 'sign-in', () => page.getByTestId('sign-in-user').waitFor());
        await signInLocally(page, t.url, csrId, 'Alice', ['csr', 'supervisor', 'reporting']);
        await check(found, page, 'dashboard', () => page.getByTestId('my-sessions').waitFor());
        await page.goto(`${t.url}/console/sessions/${s.id}`);
        await check(found, page, 'session-console', () => page.getByTestId('session-number').waitFor());
        // The same session in the other consoles an admin can choose (CON-1, MC-4).
        await ok(admin, `mutation { changeUserSettings(userId: "${csrId}", consoleType: "compact") }`);
        await page.goto(`${t.url}/console/sessions/${s.id}`);
        await check(found, page, 'session-compact', () => page.locator('[data-testid=console][data-layout=compact]').getByTestId('session-number').waitFor());
        await ok(admin, `mutation { changeSiteSettings(multiSessionAllowed: true) { multiSessionAllowed } }`);
        await ok(admin, `mutation { changeUserSettings(userId: "${csrId}", consoleType: "multi_session", multiSession: true) }`);
        await page.goto(`${t.url}/console/sessions/${s.id}`);
        await check(found, page, 'session-multi', () => page.getByTestId(`session-panel-${s.id}`).getByTestId('session-number').waitFor());
        await page.goto(`${t.url}/console/offers`);
        await check(found, page, 'offers', () => page.getByTestId('offers').waitFor({ state: 'attached' }));
        await page.goto(`${t.url}/console/supervisor`);
        await check(found, page, 'supervisor', () => page.locator(`[data-session="${s.id}"]`).waitFor());
        await page.goto(`${t.url}/console/supervisor/${s.id}`);
        await check(found, page, 'replay', () => page.getByTestId('chain-verdict').waitFor());
        await page.goto(`${t.url}/console/reports`);
        await page.getByTestId('report-run').click();
        await check(found, page, 'reports', () => page.locator('[data-testid=report-table], [data-testid=report-empty]').first().waitFor());
        await page.context().close();
        // Every page is checked before any is judged, so one run names every page's problems.
        const dir = lang === 'ar' ? 'rtl' : 'ltr';
        expect(found).toEqual(found.map(({ name }) => ({ name, dir, lang, violations: [] })));
        expect(found).toHaveLength(15);
      },
      WAIT * 10,
    );
  }
});
