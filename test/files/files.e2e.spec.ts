import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import request from 'supertest';
import type { Role } from '../../src/application/identity/principal.js';
import { blobKey } from '../../src/application/files/blob-store.port.js';
import { interruptedPatch, send, startS3Standin, tusMetadata } from '../support/files.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const MAX = 3 * 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** A GIF signature up front, so the sniffed type is image/gif whatever the name says. */
const gifLike = (size: number) => Buffer.concat([Buffer.from('GIF89a'), randomBytes(size - 6)]);

describe.each([
  ['the embedded default (file system)', false],
  ['the S3 stand-in (s3rver)', true],
])('stored files and recordings on %s', (_name, onS3) => {
  let t: TestApp;
  let s3: Awaited<ReturnType<typeof startS3Standin>> | undefined;
  let seq = 0;
  const user = (prefix: string) => `${prefix}-${onS3 ? 's3' : 'fs'}-${++seq}`;
  const bearer = async (id: string, roles: Role[]) => `Bearer ${await t.token(id, roles)}`;

  beforeAll(async () => {
    s3 = onS3 ? await startS3Standin() : undefined;
    t = await startTestApp({ UPLOAD_MAX_BYTES: String(MAX), ...(s3?.env ?? {}) });
  });
  afterAll(async () => {
    await t?.close();
    await s3?.close();
  });

  const staged = () => readdirSync(join(t.config.dataDir, 'uploads')).length;
  const command = async (auth: string, id: string, name: string, body: object = {}) =>
    request(t.url).post(`/api/v1/sessions/${id}/commands/${name}`).set('Authorization', auth).send(body);

  /** A session with its controller, a helper and one customer in it. */
  async function session() {
    const csr = await bearer(user('csr'), ['csr']);
    const helperId = user('helper');
    const helper = await bearer(helperId, ['csr']);
    const customerId = user('cust');
    const customer = await bearer(customerId, ['customer']);
    const started = await request(t.url).post('/api/v1/sessions').set('Authorization', csr).send({}).expect(201);
    const { id, number } = started.body as { id: string; number: string };
    await request(t.url).post('/api/v1/sessions/join').set('Authorization', helper).send({ number, as: 'helper' }).expect(200);
    await request(t.url).post('/api/v1/sessions/join').set('Authorization', customer).send({ number, as: 'customer' }).expect(200);
    return { id, csr, helper, helperId, customer, customerId };
  }

  async function create(auth: string, meta: Record<string, string>, length: number | 'deferred') {
    const headers: Record<string, string> = { Authorization: auth, 'Upload-Metadata': tusMetadata(meta) };
    if (length === 'deferred') headers['Upload-Defer-Length'] = '1';
    else headers['Upload-Length'] = String(length);
    return send(`${t.url}/api/v1/uploads`, 'POST', headers);
  }

  /** Resumes like a tus client: ask the offset, send the rest; on an offset conflict ask again. */
  async function resume(auth: string, location: string, bytes: Buffer) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const head = await send(`${t.url}${location}`, 'HEAD', { Authorization: auth });
      expect(head.status).toBe(200);
      const offset = Number(head.headers['upload-offset']);
      const patch = await send(
        `${t.url}${location}`,
        'PATCH',
        { Authorization: auth, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
        bytes.subarray(offset),
      );
      if (patch.status === 204) return { resumedAt: offset, patch };
      if (patch.status !== 409 || Date.now() > deadline) throw new Error(`resume failed: ${patch.status} ${patch.body.toString()}`);
    }
  }

  async function upload(auth: string, meta: Record<string, string>, bytes: Buffer) {
    const created = await create(auth, meta, bytes.length);
    expect(created.status).toBe(201);
    return resume(auth, created.headers.location!, bytes);
  }

  async function history(id: string) {
    const supervisor = await bearer(user('sup'), ['supervisor']);
    const answer = await request(t.url).get(`/api/v1/sessions/${id}/history?limit=1000`).set('Authorization', supervisor).expect(200);
    return (answer.body as { items: { type: string; data: Record<string, unknown> }[] }).items;
  }

  it('TL-3 an upload interrupted at half and resumed gives the byte-identical file, its digest in FilePublished and the sniffed type', async () => {
    const s = await session();
    const bytes = gifLike(MAX - 1024);
    const created = await create(s.csr, { kind: 'file', sessionId: s.id, filename: '../../etc/report\u0000.bin' }, bytes.length);
    expect(created.status).toBe(201);
    const location = created.headers.location!;
    await interruptedPatch(`${t.url}${location}`, { Authorization: s.csr, 'Upload-Offset': '0' }, bytes, bytes.length / 2);
    const { resumedAt } = await resume(s.csr, location, bytes);
    expect(resumedAt).toBeLessThanOrEqual(bytes.length / 2);

    const published = (await history(s.id)).find((e) => e.type === 'FilePublished')!;
    expect(published.data).toMatchObject({ fileName: 'report.bin', sizeBytes: bytes.length, sha256: sha256(bytes), contentType: 'image/gif' });

    const list = await request(t.url).get(`/api/v1/sessions/${s.id}/files`).set('Authorization', s.customer).expect(200);
    expect(list.body).toEqual([expect.objectContaining({ id: published.data.fileId, name: 'report.bin', sha256: sha256(bytes), sizeBytes: bytes.length })]);
    const download = await request(t.url).get(`/api/v1/sessions/${s.id}/files/${published.data.fileId}`).set('Authorization', s.customer).buffer(true).parse(binary).expect(200);
    expect(sha256(download.body as Buffer)).toBe(sha256(bytes));
    expect(download.headers['content-type']).toBe('image/gif');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="report\.bin"/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(staged()).toBe(0);
  });

  it('TL-3 a range request returns the right bytes (206 with Content-Range; suffix ranges; 416 past the end)', async () => {
    const s = await session();
    const bytes = randomBytes(10_000);
    await upload(s.csr, { kind: 'file', sessionId: s.id, filename: 'data.bin' }, bytes);
    const fileId = (await history(s.id)).find((e) => e.type === 'FilePublished')!.data.fileId as string;
    const url = `/api/v1/sessions/${s.id}/files/${fileId}`;
    const middle = await request(t.url).get(url).set('Authorization', s.helper).set('Range', 'bytes=1000-1999').buffer(true).parse(binary).expect(206);
    expect(Buffer.compare(middle.body as Buffer, bytes.subarray(1000, 2000))).toBe(0);
    expect(middle.headers['content-range']).toBe(`bytes 1000-1999/${bytes.length}`);
    const tail = await request(t.url).get(url).set('Authorization', s.helper).set('Range', 'bytes=-10').buffer(true).parse(binary).expect(206);
    expect(Buffer.compare(tail.body as Buffer, bytes.subarray(bytes.length - 10))).toBe(0);
    await request(t.url).get(url).set('Authorization', s.helper).set('Range', `bytes=${bytes.length}-`).expect(416);
  });

  it('TL-3 / TL-4 refused uploads store nothing: not the controller, transfer not approved, too large', async () => {
    const s = await session();
    const before = staged();
    const notController = await create(s.helper, { kind: 'file', sessionId: s.id, filename: 'x.txt' }, 10);
    expect(notController.status).toBe(403);
    expect(JSON.parse(notController.body.toString())).toMatchObject({ code: 'NOT_CONTROLLER' });

    const requested = await command(s.csr, s.id, 'request-file-transfer');
    const transferId = (requested.body as { activities: { fileTransfers: { transferId: string }[] } }).activities.fileTransfers[0]!.transferId;
    const notApproved = await create(s.customer, { kind: 'file', sessionId: s.id, filename: 'x.txt', transferId }, 10);
    expect(notApproved.status).toBe(409);
    expect(JSON.parse(notApproved.body.toString())).toMatchObject({ code: 'FILE_TRANSFER_NOT_APPROVED' });

    const tooLarge = await create(s.csr, { kind: 'file', sessionId: s.id, filename: 'big.iso' }, MAX + 1);
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body.toString())).toMatchObject({ code: 'UPLOAD_TOO_LARGE', field: 'Upload-Length' });

    const recordingByHelper = await create(s.helper, { kind: 'recording', sessionId: s.id, recordingId: 'r' }, 'deferred');
    expect(recordingByHelper.status).toBe(403);

    expect(staged()).toBe(before);
    expect((await history(s.id)).filter((e) => e.type === 'FilePublished' || e.type === 'FileSent')).toEqual([]);
    await request(t.url).get(`/api/v1/sessions/${s.id}/files`).set('Authorization', s.customer).expect(200, []);
  });

  it('TL-4 after approval files move both ways; a non-participant and another customer cannot download', async () => {
    const s = await session();
    const requested = await command(s.csr, s.id, 'request-file-transfer');
    const transferId = (requested.body as { activities: { fileTransfers: { transferId: string }[] } }).activities.fileTransfers[0]!.transferId;
    await command(s.customer, s.id, 'approve-file-transfer', { transferId }).then((r) => expect(r.status).toBe(200));
    const fromCustomer = Buffer.from('%PDF-1.4\nlog of the customer\n');
    await upload(s.customer, { kind: 'file', sessionId: s.id, filename: 'log.pdf', transferId }, fromCustomer);
    await upload(s.csr, { kind: 'file', sessionId: s.id, filename: 'fix.txt', transferId }, Buffer.from('run this'));
    const sent = (await history(s.id)).filter((e) => e.type === 'FileSent');
    expect(sent.map((e) => e.data.direction)).toEqual(['to_csrs', 'to_customer']);
    expect(sent[0]!.data).toMatchObject({ sha256: sha256(fromCustomer), contentType: 'application/pdf' });

    const fileId = sent[0]!.data.fileId as string;
    const got = await request(t.url).get(`/api/v1/sessions/${s.id}/files/${fileId}`).set('Authorization', s.csr).buffer(true).parse(binary).expect(200);
    expect(Buffer.compare(got.body as Buffer, fromCustomer)).toBe(0);
    const stranger = await bearer(user('stranger'), ['customer']);
    await request(t.url).get(`/api/v1/sessions/${s.id}/files/${fileId}`).set('Authorization', stranger).expect(404);
    await request(t.url).get(`/api/v1/sessions/${s.id}/files`).set('Authorization', stranger).expect(404);
    // The upload URL of someone else's upload is not theirs either.
    await request(t.url).get(`/api/v1/uploads/${fileId}`).set('Authorization', stranger).expect(405);
  });

  it('REC-1 / CTL-4 a recording uploaded in chunks is cut by passing control, carries size and SHA-256, plays back by range, and an edited byte is named by the replay verdict', async () => {
    const s = await session();
    const started = await command(s.csr, s.id, 'start-recording');
    const recordingId = (started.body as { activities: { recording: { recordingId: string } } }).activities.recording.recordingId;
    const created = await create(s.csr, { kind: 'recording', sessionId: s.id, recordingId }, 'deferred');
    expect(created.status).toBe(201);
    const location = created.headers.location!;
    const chunks = [randomBytes(5000), randomBytes(7000), randomBytes(3000)];
    let offset = 0;
    for (const chunk of chunks) {
      const patch = await send(`${t.url}${location}`, 'PATCH', { Authorization: s.csr, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' }, chunk);
      expect(patch.status).toBe(204);
      offset += chunk.length;
    }
    const all = Buffer.concat(chunks);
    // CTL-4: passing control ends the recording, with what it stored.
    await command(s.csr, s.id, 'transfer-control', { toUserId: s.helperId }).then((r) => expect(r.status).toBe(200));
    const stopped = (await history(s.id)).find((e) => e.type === 'RecordingStopped')!;
    expect(stopped.data).toMatchObject({ recordingId, reason: 'control_transferred', sizeBytes: all.length, sha256: sha256(all) });
    expect(typeof stopped.data.durationMs).toBe('number');
    // No more chunks once it stopped (REC-1).
    const late = await send(
      `${t.url}${location}`,
      'PATCH',
      { Authorization: s.csr, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
      randomBytes(10),
    );
    expect(late.status).toBe(404);

    const supervisor = await bearer(user('sup'), ['supervisor']);
    const verdicts = await request(t.url).get(`/api/v1/sessions/${s.id}/recordings`).set('Authorization', supervisor).expect(200);
    expect(verdicts.body).toEqual([expect.objectContaining({ recordingId, verdict: 'verified', sha256: sha256(all), sizeBytes: all.length })]);
    const part = await request(t.url)
      .get(`/api/v1/sessions/${s.id}/recordings/${encodeURIComponent(recordingId)}`)
      .set('Authorization', supervisor)
      .set('Range', 'bytes=4990-5009')
      .buffer(true)
      .parse(binary)
      .expect(206);
    expect(Buffer.compare(part.body as Buffer, all.subarray(4990, 5010))).toBe(0);
    expect(part.headers['content-type']).toBe('video/webm');
    await request(t.url)
      .get(`/api/v1/sessions/${s.id}/recordings/${encodeURIComponent(recordingId)}`)
      .set('Authorization', s.csr)
      .expect(403);

    // RPT-2: someone edits the stored bytes behind Tandem's back.
    const edited = Buffer.from(all);
    edited[100] = edited[100]! ^ 0xff;
    const key = blobKey('recording', s.id, recordingId);
    if (onS3) {
      const client = new S3Client({ region: 'us-east-1', endpoint: s3!.env.S3_ENDPOINT, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
      await client.send(new PutObjectCommand({ Bucket: s3!.env.S3_BUCKET, Key: key, Body: edited }));
      client.destroy();
    } else {
      writeFileSync(join(t.config.dataDir, 'blobs', key), edited);
    }
    const after = await request(t.url).get(`/api/v1/sessions/${s.id}/recordings`).set('Authorization', supervisor).expect(200);
    expect(after.body).toEqual([expect.objectContaining({ recordingId, verdict: 'mismatch', sha256: sha256(all), actualSha256: sha256(edited) })]);
  });
});

/** Reads a response body as bytes (supertest parses only text and JSON by default). */
const binary = ((res: NodeJS.ReadableStream, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}) as unknown as Parameters<request.Test['parse']>[0];
