import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import request from 'supertest';
import { createApp } from '../../src/app.factory.js';
import { signToken } from '../../src/infrastructure/identity/jwt.js';
import { until } from './graphql.js';
import { TEST_JWT_SECRET, type TestApp, testConfig } from './test-app.js';
import { createTestDatabase } from './test-database.js';

/**
 * Browser tests drive Debian's Chromium (`/usr/bin/chromium`) headless through playwright-core,
 * with fake media devices. In CI (`CI=true`, .ci/run installs Chromium) a missing browser fails
 * the run; elsewhere the suite says it skipped.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing: CI must run the browser tests (.ci/run installs chromium)`);
export const browserIt = hasChromium ? it : it.skip;
export const browserDescribe = (name: string, body: () => void) => {
  if (!hasChromium) console.warn(`${name}: skipped, Debian chromium is not installed (.ci/run installs it)`);
  describe(name, body);
};

export const FLAGS = [
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
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
];

/** Generous: the machine running the tests may be busy. Every wait is on a condition. */
export const WAIT = 60_000;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, ignoreDefaultArgs: ['--headless'], args: FLAGS, timeout: WAIT });
}

/** A new page in a context of its own (its own storage), as `@axe-core/playwright` wants. */
export async function newPage(browser: Browser, locale = 'en-US'): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(WAIT);
  return context.newPage();
}

/** Screenshots are test artifacts (gitignored), kept for a person to look at. */
export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'screenshots');
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true }).catch(() => undefined);
}

/** Waits until the locator's attribute satisfies `ok`, saying what it saw on a timeout. */
export async function waitForAttribute(locator: Locator, name: string, ok: (value: string | null) => boolean, what: string): Promise<string | null> {
  const deadline = Date.now() + WAIT;
  let last: string | null = null;
  for (;;) {
    last = await locator.getAttribute(name, { timeout: WAIT }).catch(() => null);
    if (ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`${what}: ${name} was ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The app on a fixed free port (or `env.PORT`) with PUBLIC_BASE_URL pointing at it, so the links
 * in the mail it sends are the ones a customer opens.
 */
export async function startConsoleApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase('web');
  // A test that registers the app's address elsewhere first (an identity provider's redirect URI) names the port.
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const url = `http://127.0.0.1:${port}`;
  // BullMQ's PostgreSQL migrator (mail jobs) holds a transaction open while it waits; on a busy
  // machine the default 10 s idle-in-transaction timeout kills it and the mail queue never starts
  // (reported as its own issue). The browser tests read the invitation mail, so they allow 2 min.
  const config = testConfig({ PORT: String(port), PUBLIC_BASE_URL: url, DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '120000', ...env });
  const app = await createApp(config, db.url);
  await app.listen(port, '127.0.0.1');
  return {
    app,
    config,
    db,
    url,
    token: (user, roles, flags = {}, name) => signToken(TEST_JWT_SECRET, { sub: user, roles, flags, name }),
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}

/** The invitation mail to `address`, from the local mail catcher (GET /dev/mail, admin). */
export async function invitationMail(t: TestApp, address: string): Promise<{ text: string; link: string }> {
  const admin = await t.token('mail-reader', ['admin']);
  const auth = { authorization: `Bearer ${admin}` };
  const listed = await until(
    `the invitation mail to ${address}`,
    async () => ((await request(t.url).get('/dev/mail').set(auth).expect(200)).body as { id: string; to: string[] }[]).find((m) => m.to.includes(address)),
    WAIT,
    200,
  );
  const mail = (await request(t.url).get(`/dev/mail/${listed.id}`).set(auth).expect(200)).body as { text: string };
  const link = /(https?:\/\/\S+\/join\/\d+#invitation=[\w.-]+)/.exec(mail.text)?.[1];
  if (!link) throw new Error(`no join link with an invitation in the mail: ${mail.text}`);
  return { text: mail.text, link };
}

/** Signs in on the console's local sign-in (the embedded default). */
export async function signInLocally(page: Page, baseUrl: string, userId: string, name: string, roles: string[] = ['csr'], agent = false): Promise<void> {
  await page.goto(`${baseUrl}/console`);
  await page.getByTestId('sign-in-user').fill(userId);
  await page.getByTestId('sign-in-name').fill(name);
  for (const role of ['csr', 'supervisor', 'admin', 'reporting']) await page.getByLabel(role, { exact: true }).setChecked(roles.includes(role), { force: true });
  await page.getByTestId('sign-in-agent').setChecked(agent, { force: true });
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('signed-in-as').waitFor();
}
