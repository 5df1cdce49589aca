import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { blobKey } from '../../src/application/files/blob-store.port.js';
import { browserDescribe, browserIt, launchChromium, newPage, screenshot, signInLocally, startConsoleApp, WAIT, waitForAttribute } from '../support/browser.js';
import { graphqlClient } from '../support/graphql.js';
import type { TestApp } from '../support/test-app.js';

/**
 * Recordings in a real browser (issue 16), through the consoles themselves: the controlling CSR's
 * console records what the session shows (the customer's fake screen, drawn into a canvas) with
 * MediaRecorder and uploads each chunk through tus; the supervisor's replay fetches it by HTTP
 * ranges, shows the server's verdict on its digest, and plays it (frames decode).
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

interface VideoLike {
  videoWidth: number;
  readyState: number;
}

interface Verdict {
  recordingId: string;
  verdict: string;
  sizeBytes: number | null;
  sha256: string | null;
  actualSha256: string | null;
}

/** A session started by `csr`, its customer joined on their page and sharing the fake screen, and the CSR's console showing it. */
async function sharedSession(csrId: string, csrName: string, customerName: string) {
  const csrToken = await t.token(csrId, ['csr'], {}, csrName);
  const s = (await ok(csrToken, 'mutation { startSession { id number } }')) as { id: string; number: string };
  const customer = await newPage(browser!);
  await customer.goto(`${t.url}/join/${s.number}`);
  await customer.getByTestId('join-name').fill(customerName);
  await customer.getByTestId('join-submit').click();
  await customer.getByTestId('participants').waitFor();
  await ok(csrToken, 'mutation($id: ID!) { requestShare(id: $id, kind: desktop, mode: view) { id } }', { id: s.id });
  await customer.getByTestId('consent-approve').click();
  await waitForAttribute(customer.getByTestId('share-card'), 'data-sharing', (v) => v === 'yes', 'the customer shares');

  const csr = await newPage(browser!);
  await signInLocally(csr, t.url, csrId, csrName);
  await csr.goto(`${t.url}/console/sessions/${s.id}`);
  await csr.bringToFront(); // background tabs' frame callbacks slow to about one a second
  await waitForAttribute(csr.getByTestId('remote-screen'), 'data-phase', (v) => v === 'playing', "the CSR's console shows the customer's screen");
  return { ...s, csrToken, csr, customer };
}

/**
 * Waits until the CSR's recorder has recorded `chunks` more chunks (one a second) from now, with
 * the customer's screen on it, and the server acknowledged bytes recorded after that; returns the
 * bytes acknowledged.
 */
async function recordedChunks(csr: Page, chunks: number): Promise<number> {
  const panel = csr.getByTestId('recording');
  await waitForAttribute(panel, 'data-phase', (v) => v === 'recording' || v === 'failed', 'the console records');
  const from = Number(await panel.getAttribute('data-chunks'));
  const recordedBefore = Number(await panel.getAttribute('data-recorded'));
  await waitForAttribute(panel, 'data-chunks', (v) => Number(v) >= from + chunks, `${chunks} more chunks recorded`);
  await waitForAttribute(panel, 'data-uploaded', (v) => Number(v) > recordedBefore, 'chunks recorded since reach Tandem');
  expect(await panel.getAttribute('data-phase')).toBe('recording');
  return Number(await panel.getAttribute('data-uploaded'));
}

/** The supervisor's replay of the session: its verdict and, once played, decoded frames. */
async function supervisorReplays(sessionId: string, supervisorId: string): Promise<{ page: Page; item: ReturnType<Page['getByTestId']> }> {
  const page = await newPage(browser!);
  await signInLocally(page, t.url, supervisorId, 'Sam', ['supervisor']);
  await page.goto(`${t.url}/console/supervisor/${sessionId}`);
  const item = page.getByTestId('recording-item');
  await item.waitFor();
  return { page, item };
}

async function playsBack(page: Page, item: ReturnType<Page['getByTestId']>, shot: string) {
  await page.bringToFront();
  await page.getByTestId('recording-play').click();
  try {
    await waitForAttribute(item, 'data-frames', (v) => Number(v) >= 3, 'frames of the recording decode in the replay');
  } catch (error) {
    const seen = await page.getByTestId('recording-video').evaluate((v) => {
      const el = v as unknown as {
        currentTime: number;
        duration: number;
        paused: boolean;
        ended: boolean;
        readyState: number;
        networkState: number;
        error: { code: number; message: string } | null;
        buffered: { length: number; end(i: number): number };
      };
      return {
        t: el.currentTime,
        d: el.duration,
        paused: el.paused,
        ended: el.ended,
        ready: el.readyState,
        net: el.networkState,
        error: el.error && `${el.error.code} ${el.error.message}`,
        buffered: el.buffered.length ? el.buffered.end(el.buffered.length - 1) : 0,
      };
    });
    await screenshot(page, `${shot}-failed`);
    throw new Error(`${(error as Error).message}; the video saw ${JSON.stringify(seen)}`);
  }
  const video = await page.getByTestId('recording-video').evaluate((v) => {
    const el = v as unknown as VideoLike;
    return { w: el.videoWidth, ready: el.readyState };
  });
  expect(video.w).toBeGreaterThan(0);
  expect(video.ready).toBeGreaterThanOrEqual(2);
  await screenshot(page, shot);
}

async function verdicts(sessionId: string): Promise<Verdict[]> {
  const supervisor = await t.token('verdict-reader', ['supervisor']);
  return (await request(t.url).get(`/api/v1/sessions/${sessionId}/recordings`).set('Authorization', `Bearer ${supervisor}`).expect(200)).body as Verdict[];
}

browserDescribe('recordings: the CSR console records, the supervisor replay plays and verifies', () => {
  browserIt(
    "REC-1 the CSR records the customer's fake screen for a few seconds and stops; everyone sees the indicator; the supervisor's replay plays it (frames decode) with a verified digest, and names it once its stored bytes are edited",
    async () => {
      const s = await sharedSession('rita', 'Rita', 'Carl');
      await s.csr.getByTestId('record-start').click();
      // Everyone in the session sees that it is recorded.
      await waitForAttribute(s.customer.getByTestId('recording-indicator'), 'data-recording', (v) => v === 'yes', "the customer's page shows the recording");
      await recordedChunks(s.csr, 4);
      await screenshot(s.csr, 'csr-recording');
      await s.csr.getByTestId('record-stop').click();
      await waitForAttribute(s.csr.getByTestId('recording-indicator'), 'data-recording', (v) => v === 'no', 'the recording stopped');
      await waitForAttribute(s.customer.getByTestId('recording-indicator'), 'data-recording', (v) => v === 'no', "the customer's page shows it stopped");
      // Stop flushed the last chunk before the stop command: every byte the console recorded is sealed.
      const uploaded = Number(await s.csr.getByTestId('recording').getAttribute('data-uploaded'));
      const [stored] = await verdicts(s.id);
      expect(stored).toMatchObject({ verdict: 'verified', sizeBytes: uploaded });

      const replay = await supervisorReplays(s.id, 'sam');
      expect(await replay.item.getAttribute('data-verdict')).toBe('verified');
      await playsBack(replay.page, replay.item, 'replay-recording');

      // RPT-2: someone edits the stored recording behind Tandem's back; the replay's verdict names it.
      const path = join(t.config.dataDir, 'blobs', blobKey('recording', s.id, stored!.recordingId));
      const bytes = readFileSync(path);
      const middle = Math.floor(bytes.length / 2);
      bytes[middle] = bytes[middle]! ^ 0xff;
      writeFileSync(path, bytes);
      await replay.page.reload();
      await waitForAttribute(replay.page.getByTestId('recording-item'), 'data-verdict', (v) => v === 'mismatch', 'the replay names the altered recording');
      const text = await replay.page.getByTestId('recording-verdict').innerText();
      expect(text).toContain(stored!.recordingId);
      expect(text).toContain(stored!.sha256!.slice(0, 12));
      await screenshot(replay.page, 'replay-recording-altered');
      for (const page of [s.csr, s.customer, replay.page]) await page.context().close();
    },
    WAIT * 5,
  );

  browserIt(
    'REC-1 a poll answered by a lagging read model does not stop the console recording: started while the sessions read model is held back past two polls, the console records on once it is released',
    async () => {
      const s = await sharedSession('rosa', 'Rosa', 'Cleo');
      // Hold the sessions read model back: its checkpoint row stays locked, so it does not show
      // the recording, while the mutation's answer (from the decision) does.
      const db = new pg.Pool({ connectionString: t.db.url, max: 1 });
      const holder = await db.connect();
      try {
        await holder.query('BEGIN');
        await holder.query(`SELECT 1 FROM projection_checkpoints WHERE name = 'session_view' FOR UPDATE`);
        await s.csr.getByTestId('record-start').click();
        await waitForAttribute(s.csr.getByTestId('recording'), 'data-phase', (v) => v === 'recording', 'the console records from the answer');
        // Two of the console's polls (SESSION_POLL_MS, 3 s) answer from the lagging read model: no recording there.
        await new Promise((resolve) => setTimeout(resolve, 7000));
      } finally {
        await holder.query('ROLLBACK').catch(() => undefined);
        holder.release();
        await db.end();
      }
      await recordedChunks(s.csr, 3);
      await s.csr.getByTestId('record-stop').click();
      await waitForAttribute(s.csr.getByTestId('recording-indicator'), 'data-recording', (v) => v === 'no', 'the recording stopped');
      const uploaded = Number(await s.csr.getByTestId('recording').getAttribute('data-uploaded'));
      const [stored] = await verdicts(s.id);
      expect(stored).toMatchObject({ verdict: 'verified', sizeBytes: uploaded });
      for (const page of [s.csr, s.customer]) await page.context().close();
    },
    WAIT * 5,
  );

  browserIt(
    "REC-2 / SES-5 with auto-record the console records from the start; its page is closed mid-recording and the session ended: the chunks uploaded so far play back in the supervisor's replay, verified",
    async () => {
      const admin = await t.token('admin-rec', ['admin']);
      await ok(admin, 'mutation { changeSiteSettings(autoRecord: true) { autoRecord } }');
      try {
        const s = await sharedSession('ravi', 'Ravi', 'Dora');
        expect(await s.csr.getByTestId('record-stop').count()).toBe(0); // REC-2: the CSR cannot stop it
        const uploadedBeforeClose = await recordedChunks(s.csr, 4);
        await s.csr.context().close(); // the console is gone mid-recording
        await ok(s.csrToken, 'mutation($id: ID!) { endSession(id: $id) { id } }', { id: s.id });

        const [stored] = await verdicts(s.id);
        expect(stored!.verdict).toBe('verified');
        expect(stored!.sizeBytes).toBeGreaterThanOrEqual(uploadedBeforeClose);
        const replay = await supervisorReplays(s.id, 'sue');
        expect(await replay.item.getAttribute('data-verdict')).toBe('verified');
        await playsBack(replay.page, replay.item, 'replay-recording-console-closed');
        for (const page of [s.customer, replay.page]) await page.context().close();
      } finally {
        await ok(admin, 'mutation { changeSiteSettings(autoRecord: false) { autoRecord } }');
      }
    },
    WAIT * 5,
  );
});

browserDescribe('files: published, sent and saved through the consoles with progress bars', () => {
  browserIt(
    "TL-3 / TL-4 the CSR publishes a file and the customer saves it byte-identical; after the customer allows a transfer in the dialog, the customer's file reaches the CSR's list",
    async () => {
      const csrToken = await t.token('fay', ['csr'], {}, 'Fay');
      const s = (await ok(csrToken, 'mutation { startSession { id number } }')) as { id: string; number: string };
      const customer = await newPage(browser!);
      await customer.goto(`${t.url}/join/${s.number}`);
      await customer.getByTestId('join-name').fill('Gus');
      await customer.getByTestId('join-submit').click();
      await customer.getByTestId('participants').waitFor();
      const csr = await newPage(browser!);
      await signInLocally(csr, t.url, 'fay', 'Fay');
      await csr.goto(`${t.url}/console/sessions/${s.id}`);

      // TL-3: the controller publishes; the upload goes through tus with a progress bar.
      const published = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(3 * 1024 * 1024)]);
      await csr.locator('[data-testid=files] input[type=file]').setInputFiles({ name: 'guide.pdf', mimeType: 'application/pdf', buffer: published });
      await csr.getByTestId('file-upload').click();
      await csr.locator('[data-testid=file-list] tr[data-name="guide.pdf"]').waitFor();
      const row = customer.locator('[data-testid=file-list] tr[data-name="guide.pdf"]');
      await row.waitFor();
      const download = customer.waitForEvent('download');
      await row.getByTestId('file-save').click();
      const saved = await (await download).path();
      expect(Buffer.compare(readFileSync(saved), published)).toBe(0);

      // TL-4: nothing moves from the customer until they allow it in the dialog.
      expect(await customer.locator('[data-testid=files] input[type=file]').count()).toBe(0);
      await csr.getByTestId('transfer-request').click();
      await customer.getByTestId('transfer-approve').click();
      await csr.locator('[data-testid=transfer][data-status=approved]').waitFor();
      const sent = Buffer.concat([Buffer.from('GIF89a'), randomBytes(512 * 1024)]);
      await customer.locator('[data-testid=files] input[type=file]').setInputFiles({ name: 'screenshot.gif', mimeType: 'image/gif', buffer: sent });
      await customer.getByTestId('file-upload').click();
      await csr.locator('[data-testid=file-list] tr[data-name="screenshot.gif"]').waitFor();
      const files = (await request(t.url).get(`/api/v1/sessions/${s.id}/files`).set('Authorization', `Bearer ${csrToken}`).expect(200)).body as {
        name: string;
        contentType: string;
        sizeBytes: number;
      }[];
      expect(files).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'guide.pdf', contentType: 'application/pdf', sizeBytes: published.length }),
          expect.objectContaining({ name: 'screenshot.gif', contentType: 'image/gif', sizeBytes: sent.length }),
        ]),
      );
      await screenshot(csr, 'csr-files');
      await screenshot(customer, 'customer-files');
      await csr.context().close();
      await customer.context().close();
    },
    WAIT * 4,
  );
});
