import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { BLOB_STORE, type BlobStore, blobKey } from '../../src/application/files/blob-store.port.js';
import { RetentionService } from '../../src/application/files/retention.service.js';
import { SessionService } from '../../src/application/sessions/session.service.js';
import { send, tusMetadata } from '../support/files.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * ADM-1 retention against the real app (issue 16): past the site's retention, a stored recording
 * and a stored file are recorded as deleted (RecordingDeleted, FileExpired), their bytes removed,
 * and the replay's verdict says `deleted`. A run cut between the event and the deletion (a
 * restart) is finished by the next run, and a repeated run stores nothing.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const DAY = 86_400_000;

it('ADM-1 / REC-1 / TL-3 expired recordings and files become RecordingDeleted / FileExpired, their bytes go, a run cut after the event is finished by the next, and a repeat stores nothing', async () => {
  const csr = `Bearer ${await t.token('csr-retention', ['csr'])}`;
  const supervisor = `Bearer ${await t.token('sup-retention', ['supervisor'])}`;
  const started = await request(t.url).post('/api/v1/sessions').set('Authorization', csr).send({}).expect(201);
  const sessionId = started.body.id as string;

  // A published file (TL-3) and a recording of two chunks (REC-1).
  const fileBytes = randomBytes(10_000);
  const created = await send(`${t.url}/api/v1/uploads`, 'POST', {
    Authorization: csr,
    'Upload-Length': String(fileBytes.length),
    'Upload-Metadata': tusMetadata({ kind: 'file', sessionId, filename: 'old.bin' }),
  });
  expect(created.status).toBe(201);
  expect(
    (await send(`${t.url}${created.headers.location}`, 'PATCH', { Authorization: csr, 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' }, fileBytes)).status,
  ).toBe(204);
  const fileId = created.headers.location!.split('/').pop()!;
  const rec = await request(t.url).post(`/api/v1/sessions/${sessionId}/commands/start-recording`).set('Authorization', csr).send({}).expect(200);
  const recordingId = rec.body.activities.recording.recordingId as string;
  const upload = await send(`${t.url}/api/v1/uploads`, 'POST', {
    Authorization: csr,
    'Upload-Defer-Length': '1',
    'Upload-Metadata': tusMetadata({ kind: 'recording', sessionId, recordingId }),
  });
  expect(upload.status).toBe(201);
  expect(
    (await send(`${t.url}${upload.headers.location}`, 'PATCH', { Authorization: csr, 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' }, randomBytes(4000)))
      .status,
  ).toBe(204);
  await request(t.url).post(`/api/v1/sessions/${sessionId}/commands/stop-recording`).set('Authorization', csr).send({}).expect(200);

  const blobs = t.app.get<BlobStore>(BLOB_STORE);
  const sessions = t.app.get(SessionService);
  const recordingKey = blobKey('recording', sessionId, recordingId);
  const fileKey = blobKey('file', sessionId, fileId);
  expect(await blobs.stat(recordingKey)).not.toBeNull();
  expect(await blobs.stat(fileKey)).not.toBeNull();
  const history = async () =>
    (
      (await request(t.url).get(`/api/v1/sessions/${sessionId}/history?limit=1000`).set('Authorization', supervisor).expect(200)).body as {
        items: { type: string; data: Record<string, unknown> }[];
      }
    ).items;

  // Within retention (defaults: recordings 90 days, files 30): nothing happens.
  expect(await new RetentionService(sessions, blobs).sweep(new Date(Date.now() + 29 * DAY))).toBe(0);

  // Past both, a run that dies after recording each event and before deleting any byte (a restart).
  const crashing: BlobStore = Object.assign(Object.create(blobs) as BlobStore, {
    delete: async () => {
      throw new Error('killed mid-run');
    },
  });
  const later = new Date(Date.now() + 91 * DAY);
  await expect(new RetentionService(sessions, crashing).sweep(later)).rejects.toThrow('killed mid-run');
  const afterCrash = await history();
  expect(afterCrash.filter((e) => e.type === 'RecordingDeleted' || e.type === 'FileExpired')).toHaveLength(1);
  expect(await blobs.stat(recordingKey)).not.toBeNull();

  // The next run finishes it: both recorded once, both blobs gone.
  expect(await new RetentionService(sessions, blobs).sweep(later)).toBe(2);
  const events = await history();
  expect(events.filter((e) => e.type === 'RecordingDeleted')).toEqual([expect.objectContaining({ data: expect.objectContaining({ recordingId }) })]);
  expect(events.filter((e) => e.type === 'FileExpired')).toEqual([expect.objectContaining({ data: expect.objectContaining({ fileId }) })]);
  expect(await blobs.stat(recordingKey)).toBeNull();
  expect(await blobs.stat(fileKey)).toBeNull();
  const verdicts = await request(t.url).get(`/api/v1/sessions/${sessionId}/recordings`).set('Authorization', supervisor).expect(200);
  expect(verdicts.body).toEqual([expect.objectContaining({ recordingId, verdict: 'deleted' })]);

  // A repeat deletes and stores nothing.
  expect(await new RetentionService(sessions, blobs).sweep(later)).toBe(0);
  expect(await history()).toHaveLength(events.length);
}, 120_000);
