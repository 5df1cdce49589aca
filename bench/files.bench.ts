/**
 * Recordings and files (issue 16): upload and download throughput through the real app against
 * the physical limit measured in the same run, on the same disk: a plain copy of the same bytes
 * (read stream into write stream, no fsync, as the blob store writes).
 *
 *   (a) limit: copy BENCH_FILE_MB of random bytes to a new file in the data folder
 *   (b) upload: tus 1.0 (create with Upload-Length, PATCH in 8 MiB chunks as the console's
 *       tus-js-client does), until the last PATCH is answered, i.e. staged, hashed, moved into
 *       the blob store and FilePublished appended
 *   (c) download: GET of the whole file, the client writing it to a file on the same disk
 *   (d) download by range: 1 MiB Range requests one after another (as the replay's player loads)
 *
 * Each case runs BENCH_REPEATS times (default 3), every run right after a limit run; a case's
 * value is the median of its runs, the limit the median of all the copies. Random bytes (incompressible), all on one disk, page cache
 * warm for both sides alike. One JSON line per case with value, limit and ratio.
 *
 *   npm run bench:files            (BENCH_FILE_MB=64 for a quicker run)
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createApp } from '../src/app.factory.js';
import { loadConfig } from '../src/infrastructure/config/app-config.js';
import { signToken } from '../src/infrastructure/identity/jwt.js';
import { benchDatabase, report, round } from './support.js';

const MIB = 1024 * 1024;
const FILE_MB = positive(process.env.BENCH_FILE_MB, 256);
const REPEATS = positive(process.env.BENCH_REPEATS, 3);
const CHUNK = 8 * MIB;
const RANGE = MIB;
const JWT_SECRET = 'bench-files-secret-bench-files-secret';

function positive(raw: string | undefined, fallback: number): number {
  const n = Number(raw);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One HTTP request; the body is a buffer or a stream; the answer's body is kept (small) or drained into `sink`. */
function send(url: string, method: string, headers: Record<string, string>, body?: Buffer | NodeJS.ReadableStream, sink?: NodeJS.WritableStream): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      if (sink && res.statusCode !== undefined && res.statusCode < 300) {
        // Many answers into one file: plain writes with backpressure, no listeners left on the sink.
        res.on('data', (c: Buffer) => {
          if (!sink.write(c)) {
            res.pause();
            sink.once('drain', () => res.resume());
          }
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.alloc(0) }));
        res.on('error', reject);
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body instanceof Buffer || body === undefined) req.end(body);
    else pipeline(body, req).catch(reject);
  });
}

const expectStatus = (what: string, answer: Answer, ...statuses: number[]) => {
  if (!statuses.includes(answer.status)) throw new Error(`${what}: HTTP ${answer.status} ${answer.body.toString().slice(0, 300)}`);
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mibPerSecond = (bytes: number, ms: number) => round(bytes / MIB / (ms / 1000), 1);

async function timed(work: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

async function main() {
  const db = await benchDatabase('files');
  const dataDir = mkdtempSync(join(process.env.BENCH_DATA_DIR ?? tmpdir(), 'tandem-bench-files-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', JWT_SECRET, LOG_LEVEL: 'warn', DATA_DIR: dataDir, UPLOAD_MAX_BYTES: String(4 * 1024 * MIB) });
  const app = await createApp(config, db.url);
  await app.listen(0, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const csr = `Bearer ${await signToken(JWT_SECRET, { sub: 'bench-csr', roles: ['csr'] })}`;
  try {
    const size = FILE_MB * MIB;
    const source = join(dataDir, 'source.bin');
    {
      const file = await open(source, 'w');
      for (let written = 0; written < size; written += 16 * MIB) await file.write(randomBytes(Math.min(16 * MIB, size - written)));
      await file.close();
    }
    const sha256 = await digest(source);
    const copy = join(dataDir, 'copy.bin');
    const plainCopy = async () => {
      await rm(copy, { force: true });
      return timed(() => pipeline(createReadStream(source), createWriteStream(copy)));
    };

    const started = await send(`${base}/api/v1/sessions`, 'POST', { authorization: csr, 'content-type': 'application/json' }, Buffer.from('{}'));
    expectStatus('start a session', started, 201);
    const sessionId = (JSON.parse(started.body.toString()) as { id: string }).id;

    /** One tus upload of the source, 8 MiB per PATCH; resolves with the stored file's id. */
    const upload = async (): Promise<string> => {
      const meta = [`kind ${b64('file')}`, `sessionId ${b64(sessionId)}`, `filename ${b64('bench.bin')}`].join(',');
      const created = await send(`${base}/api/v1/uploads`, 'POST', { authorization: csr, 'Tus-Resumable': '1.0.0', 'Upload-Length': String(size), 'Upload-Metadata': meta });
      expectStatus('create the upload', created, 201);
      const location = `${base}${created.headers.location}`;
      for (let offset = 0; offset < size; offset += CHUNK) {
        const end = Math.min(size, offset + CHUNK);
        const patched = await send(
          location,
          'PATCH',
          {
            authorization: csr,
            'Tus-Resumable': '1.0.0',
            'Upload-Offset': String(offset),
            'Content-Type': 'application/offset+octet-stream',
            'Content-Length': String(end - offset),
          },
          createReadStream(source, { start: offset, end: end - 1 }),
        );
        expectStatus(`PATCH at ${offset}`, patched, 204);
      }
      return created.headers.location!.split('/').pop()!;
    };

    const cases: Record<'upload' | 'download' | 'download-range', { value: number[]; limit: number[] }> = {
      upload: { value: [], limit: [] },
      download: { value: [], limit: [] },
      'download-range': { value: [], limit: [] },
    };
    let fileId = '';
    const saved = join(dataDir, 'saved.bin');
    for (let run = 0; run < REPEATS; run++) {
      cases.upload.limit.push(await plainCopy());
      cases.upload.value.push(await timed(async () => void (fileId = await upload())));

      cases.download.limit.push(await plainCopy());
      await rm(saved, { force: true });
      cases.download.value.push(
        await timed(async () => {
          const out = createWriteStream(saved);
          const got = await send(`${base}/api/v1/sessions/${sessionId}/files/${fileId}`, 'GET', { authorization: csr }, undefined, out);
          expectStatus('download', got, 200);
          await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
        }),
      );
      if (statSync(saved).size !== size || (await digest(saved)) !== sha256) throw new Error('the downloaded bytes differ from the uploaded ones');

      cases['download-range'].limit.push(await plainCopy());
      await rm(saved, { force: true });
      cases['download-range'].value.push(
        await timed(async () => {
          const out = createWriteStream(saved);
          for (let start = 0; start < size; start += RANGE) {
            const end = Math.min(size, start + RANGE) - 1;
            const got = await send(`${base}/api/v1/sessions/${sessionId}/files/${fileId}`, 'GET', { authorization: csr, range: `bytes=${start}-${end}` }, undefined, out);
            expectStatus(`range ${start}-${end}`, got, 206);
          }
          await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
        }),
      );
      if ((await digest(saved)) !== sha256) throw new Error('the bytes downloaded by range differ from the uploaded ones');
      console.error(
        `run ${run + 1}/${REPEATS}: copy ${cases.upload.limit.at(-1)!.toFixed(0)} ms, upload ${cases.upload.value.at(-1)!.toFixed(0)} ms, download ${cases.download.value.at(-1)!.toFixed(0)} ms, by range ${cases['download-range'].value.at(-1)!.toFixed(0)} ms`,
      );
    }

    // One limit for every case: the median of all the copies, interleaved with the cases (a busy
    // machine makes single copies noisy; the spread is printed).
    const copies = Object.values(cases).flatMap((c) => c.limit);
    console.error(`plain copy: ${copies.map((ms) => mibPerSecond(size, ms)).join(', ')} MiB/s`);
    for (const [name, c] of Object.entries(cases)) {
      report({
        bench: 'files',
        case: name,
        value: mibPerSecond(size, median(c.value)),
        unit: 'MiB/s',
        limit: mibPerSecond(size, median(copies)),
        limitIs: 'plain copy of the same bytes on the same disk',
        bytes: size,
        runs: REPEATS,
        ...(name === 'upload' ? { chunkBytes: CHUNK } : name === 'download-range' ? { rangeBytes: RANGE } : {}),
      });
    }
  } finally {
    await app.close();
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
    agent.destroy();
  }
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

async function digest(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
