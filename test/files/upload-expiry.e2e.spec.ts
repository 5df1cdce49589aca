import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { until } from '../support/graphql.js';
import { send, tusMetadata } from '../support/files.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Abandoned uploads (tus expiration extension, issue 16): an upload left unfinished past
 * UPLOAD_EXPIRY_MS is refused (410) and its staged bytes are deleted by the retention job.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ UPLOAD_EXPIRY_MS: '3000', RETENTION_SWEEP_MS: '1000' });
});
afterAll(async () => {
  await t?.close();
});

it('TL-3 an upload abandoned at half expires: tus says when (Upload-Expires), then refuses it and its staged bytes are deleted', async () => {
  const csr = `Bearer ${await t.token('csr-expiry', ['csr'])}`;
  const started = await request(t.url).post('/api/v1/sessions').set('Authorization', csr).send({}).expect(201);
  const bytes = randomBytes(200_000);
  const created = await send(`${t.url}/api/v1/uploads`, 'POST', {
    Authorization: csr,
    'Upload-Length': String(bytes.length),
    'Upload-Metadata': tusMetadata({ kind: 'file', sessionId: started.body.id, filename: 'half.bin' }),
  });
  expect(created.status).toBe(201);
  expect(Number.isNaN(Date.parse(String(created.headers['upload-expires'])))).toBe(false);
  const location = created.headers.location!;
  const id = location.split('/').pop()!;
  const staged = join(t.config.dataDir, 'uploads', id);
  // Half of it arrives (or, on a very busy machine, the upload has expired already: 410).
  const half = await send(
    `${t.url}${location}`,
    'PATCH',
    { Authorization: csr, 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' },
    bytes.subarray(0, bytes.length / 2),
  );
  expect([204, 410]).toContain(half.status);

  // Nobody resumes it: the retention job removes the staged bytes and their metadata.
  await until('the abandoned upload is deleted', async () => !existsSync(staged) && !existsSync(`${staged}.json`), 60_000, 200);
  const rest = await send(
    `${t.url}${location}`,
    'PATCH',
    { Authorization: csr, 'Upload-Offset': String(bytes.length / 2), 'Content-Type': 'application/offset+octet-stream' },
    bytes.subarray(bytes.length / 2),
  );
  expect(rest.status).toBe(404);
  const files = await request(t.url).get(`/api/v1/sessions/${started.body.id}/files`).set('Authorization', csr).expect(200);
  expect(files.body).toEqual([]);
}, 90_000);
