import Provider from 'oidc-provider';
import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { browserDescribe, browserIt, freePort, launchChromium, newPage, screenshot, startConsoleApp, WAIT } from '../support/browser.js';
import type { TestApp } from '../support/test-app.js';

/**
 * OpenID Connect sign-in against a real provider (`oidc-provider`, in this process): with
 * JWT_JWKS_URL set, a CSR signs in through the provider (authorization code + PKCE with
 * oidc-client-ts), the provider's JWT access token is the console's bearer token, and the local
 * sign-in is refused.
 */
let t: TestApp;
let browser: Browser | undefined;
let idp: Server;
let issuer: string;

// oidc-provider warns at length about its development defaults (in-memory adapter, dev keys,
// dev interactions), which are what this test wants: those lines are dropped, nothing else.
const { warn, info } = console;
const unlessProvider =
  (log: (...args: unknown[]) => void) =>
  (...args: unknown[]) =>
    String(args[0]).startsWith('oidc-provider') ? undefined : log(...args);

beforeAll(async () => {
  console.warn = unlessProvider(warn);
  console.info = unlessProvider(info);
  const idpPort = await freePort();
  issuer = `http://127.0.0.1:${idpPort}`;
  const appPort = await freePort();
  const appUrl = `http://127.0.0.1:${appPort}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'tandem-console',
        token_endpoint_auth_method: 'none',
        redirect_uris: [`${appUrl}/console/callback`],
        post_logout_redirect_uris: [`${appUrl}/console`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    cookies: { keys: ['tandem-test-cookie-key-0123456789'] },
    clientBasedCORS: () => true,
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:tandem',
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'tandem', audience: 'urn:tandem', accessTokenFormat: 'jwt', accessTokenTTL: 3600 }),
      },
    },
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub, name: 'Olivia' }) }),
    extraTokenClaims: async () => ({ roles: ['csr'], name: 'Olivia' }),
  } as never);
  idp = provider.listen(idpPort) as unknown as Server;
  t = await startConsoleApp({
    PORT: String(appPort),
    PUBLIC_BASE_URL: appUrl,
    JWT_SECRET: '',
    JWT_JWKS_URL: `${issuer}/jwks`,
    JWT_ISSUER: issuer,
    JWT_AUDIENCE: 'urn:tandem',
    OIDC_CLIENT_ID: 'tandem-console',
    OIDC_SCOPE: 'openid profile tandem',
  });
  browser = await launchChromium();
}, WAIT * 2);
afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await t?.close();
  await new Promise((resolve) => idp?.close(resolve));
  console.warn = warn;
  console.info = info;
}, WAIT);

browserDescribe('consoles: OpenID Connect sign-in', () => {
  browserIt(
    'a CSR signs in through the identity provider; the local sign-in is refused when it is turned off',
    async () => {
      // The local sign-in is off with a JWKS: the API refuses it and the page does not offer it.
      const refused = await request(t.url)
        .post('/api/v1/auth/local')
        .send({ userId: 'mallory', roles: ['admin'] });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'LOCAL_SIGN_IN_DISABLED' });
      expect((await request(t.url).get('/api/v1/auth/config').expect(200)).body).toEqual({
        localSignIn: false,
        oidc: { authority: issuer, clientId: 'tandem-console', scope: 'openid profile tandem' },
      });

      const page = await newPage(browser!);
      await page.goto(`${t.url}/console`);
      await page.getByTestId('oidc-sign-in').waitFor();
      expect(await page.getByTestId('local-sign-in').count()).toBe(0);
      await screenshot(page, 'oidc-sign-in');
      const pageErrors: string[] = [];
      page.on('console', (m) => void (m.type() === 'error' && pageErrors.push(m.text())));
      await page.getByTestId('oidc-sign-in').click();

      // The provider's development login and consent pages (or the console's error, said at once).
      const refusedHere = page
        .getByTestId('sign-in-error')
        .waitFor()
        .then(async () => {
          throw new Error(`sign-in failed: ${await page.getByTestId('sign-in-error').innerText()}`);
        });
      refusedHere.catch(() => undefined); // it times out once the page has left for the provider
      await Promise.race([page.waitForURL(`${issuer}/**`), refusedHere]).catch((e: Error) => {
        throw new Error(`${e.message}; page errors: ${pageErrors.join(' | ')}`);
      });
      await page.locator('input[name=login]').fill('olivia');
      await page.locator('input[name=password]').fill('any');
      await page.locator('button[type=submit]').click();
      await page.waitForURL((url) => url.href.startsWith(t.url) || url.pathname.includes('interaction'));
      if (!page.url().startsWith(t.url)) await page.locator('button[type=submit]').click();

      await page.waitForURL(`${t.url}/console`);
      const who = await page.getByTestId('signed-in-as').innerText();
      expect(who).toContain('Olivia');
      expect(who).toContain('csr');
      expect(who).not.toContain('local');
      // The server accepted the provider's token: the dashboard loaded the CSR's sessions.
      await page.getByText('No live sessions').waitFor();
      await screenshot(page, 'oidc-dashboard');
      await page.context().close();
    },
    WAIT * 4,
  );
});
