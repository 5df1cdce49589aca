import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { PROBLEM_SCHEMA } from '../../src/api/openapi/openapi.document.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const run = promisify(execFile);
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

interface Operation {
  operationId: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}

let t: TestApp;
let doc: { paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>; components: { schemas: Record<string, unknown> } };
const dir = mkdtempSync(join(tmpdir(), 'tandem-openapi-'));
beforeAll(async () => {
  t = await startTestApp();
  doc = (await request(t.url).get('/docs/openapi.json').expect(200)).body;
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const operations = () => Object.entries(doc.paths).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method]! })));

describe('the OpenAPI document (issue 17: contracts)', () => {
  it('passes the OpenAPI lint (Redocly, redocly.yaml) as served at /docs/openapi.json', async () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const lint = await run(join('node_modules', '.bin', 'redocly'), ['lint', '--format=stylish', file], {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    }).catch((e: { stdout: string; stderr: string }) => {
      throw new Error(`redocly lint failed:\n${e.stdout}\n${e.stderr}`);
    });
    expect(lint.stdout + lint.stderr).toContain('valid');
  }, 180_000);

  it('is the document `npm run openapi` prints (the one CI lints)', async () => {
    const printed = await run(process.execPath, [join('dist', 'scripts', 'print-openapi.js')], { maxBuffer: 64 * 1024 * 1024 });
    expect(JSON.parse(printed.stdout)).toEqual(doc);
  }, 120_000);

  it('every operation documents a success with its body and its errors as problem+json', () => {
    const missing: string[] = [];
    for (const { path, method, op } of operations()) {
      const statuses = Object.keys(op.responses).map(Number);
      const successes = statuses.filter((s) => s >= 200 && s < 300);
      if (successes.length === 0) missing.push(`${method} ${path}: no success response`);
      // A body unless there is none to give: 204, HEAD, and tus's 201 (headers only).
      for (const s of successes)
        if (s !== 204 && method !== 'head' && !(s === 201 && path.endsWith('/uploads')) && !op.responses[s]!.content) missing.push(`${method} ${path}: ${s} without a body`);
      for (const s of [400, 500]) if (!statuses.includes(s)) missing.push(`${method} ${path}: no ${s}`);
      const isPublic = Array.isArray(op.security) && op.security.length === 0;
      if (!isPublic && !statuses.includes(401)) missing.push(`${method} ${path}: needs a token but documents no 401`);
      for (const s of statuses.filter((s) => s >= 400 && s !== 416)) {
        const schema = op.responses[s]!.content?.['application/problem+json']?.schema;
        if (schema?.$ref !== '#/components/schemas/Problem' && !(path.startsWith('/health') && s === 503)) missing.push(`${method} ${path}: ${s} is not a Problem`);
      }
    }
    expect(missing).toEqual([]);
    expect(operations().length).toBeGreaterThan(60);
  });

  it('every session command has an operation with a body schema of its own', () => {
    const commands = operations().filter(({ path }) => path.startsWith('/api/v1/sessions/{id}/commands/'));
    expect(commands.map(({ path }) => path)).toEqual(expect.arrayContaining(['/api/v1/sessions/{id}/commands/transfer-control', '/api/v1/sessions/{id}/commands/end']));
    const transfer = doc.components.schemas.TransferControlBody as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(transfer.properties).sort()).toEqual(['commandId', 'receiverSupportsVoice', 'toUserId']);
    expect(transfer.required).toEqual(['toUserId']);
    // The bodies that were empty objects before (issue 17).
    for (const name of ['StartSessionArgs', 'JoinSessionArgs']) expect(Object.keys((doc.components.schemas[name] as { properties: object }).properties).length).toBeGreaterThan(0);
  });

  it('a real error answer has the documented Problem shape: the required fields and nothing undocumented', async () => {
    const token = await t.token('openapi-csr', ['csr']);
    const answers = [
      await request(t.url).get('/api/v1/me'), // 401
      await request(t.url).get(`/api/v1/sessions/${randomUUID()}`).set('authorization', `Bearer ${token}`), // 404
      await request(t.url).post(`/api/v1/sessions/${randomUUID()}/commands/transfer-control`).set('authorization', `Bearer ${token}`).send({ toUserId: 7 }), // 400
    ];
    expect(answers.map((a) => a.status)).toEqual([401, 404, 400]);
    const properties = Object.keys(PROBLEM_SCHEMA.properties!);
    for (const answer of answers) {
      expect(answer.headers['content-type']).toContain('application/problem+json');
      expect(Object.keys(answer.body)).toEqual(expect.arrayContaining(PROBLEM_SCHEMA.required!));
      expect(Object.keys(answer.body).filter((k) => !properties.includes(k))).toEqual([]);
      expect(answer.body.status).toBe(answer.status);
    }
  });
});
