import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
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

/** Serious or critical violations on the page as it is now, described for a failure message. */
async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page: page as never }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

async function check(page: Page, name: string, lang: 'en' | 'ar', ready: () => Promise<unknown>) {
  await ready();
  const dir = await page.evaluate('document.documentElement.dir');
  const htmlLang = await page.evaluate('document.documentElement.lang');
  expect({ name, dir, lang: htmlLang }).toEqual({ name, dir: lang === 'ar' ? 'rtl' : 'ltr', lang });
  expect({ name, lang, violations: await seriousViolations(page) }).toEqual({ name, lang, violations: [] });
  await screenshot(page, `${name}-${lang}`);
}

browserDescribe('consoles: languages and accessibility', () => {
  for (const lang of ['en', 'ar'] as const) {
    browserIt(
      `every page in ${lang === 'ar' ? 'Arabic has dir="rtl"' : 'English has dir="ltr"'} and no serious or critical axe violation`,
      async () => {
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
        await check(visitor, 'home', lang, () => visitor.getByRole('heading', { level: 1 }).waitFor());
        await visitor.goto(`${t.url}/join`);
        await check(visitor, 'join', lang, () => visitor.getByTestId('join-number').waitFor());
        await visitor.goto(`${t.url}/help/${queue.id}`);
        await check(visitor, 'help', lang, () => visitor.getByRole('heading', { level: 1 }).waitFor());
        await visitor.goto(`${t.url}/join/${s.number}`);
        await visitor.getByTestId('join-name').fill('Dana');
        await visitor.getByTestId('join-submit').click();
        await check(visitor, 'customer-session', lang, () => visitor.getByTestId('participants').waitFor());
        await visitor.context().close();

        // The console, signed in with every role.
        const page = await newPage(browser!);
        await page.goto(`${t.url}/console?lang=${lang}`);
        await check(page, 'sign-in', lang, () => page.getByTestId('sign-in-user').waitFor());
        await signInLocally(page, t.url, csrId, 'Alice', ['csr', 'supervisor', 'reporting']);
        await check(page, 'dashboard', lang, () => page.getByTestId('my-sessions').waitFor());
        await page.goto(`${t.url}/console/sessions/${s.id}`);
        await check(page, 'session-console', lang, () => page.getByTestId('session-number').waitFor());
        await page.goto(`${t.url}/console/offers`);
        await check(page, 'offers', lang, () => page.getByTestId('offers').waitFor({ state: 'attached' }));
        await page.goto(`${t.url}/console/supervisor`);
        await check(page, 'supervisor', lang, () => page.locator(`[data-session="${s.id}"]`).waitFor());
        await page.goto(`${t.url}/console/supervisor/${s.id}`);
        await check(page, 'replay', lang, () => page.getByTestId('chain-verdict').waitFor());
        await page.goto(`${t.url}/console/reports`);
        await page.getByTestId('report-run').click();
        await check(page, 'reports', lang, () => page.locator('[data-testid=report-table], [data-testid=report-empty]').first().waitFor());
        await page.context().close();
      },
      WAIT * 10,
    );
  }
});
