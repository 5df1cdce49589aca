import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { tracingConfigured } from '../../src/infrastructure/telemetry/tracing.js';
import { signToken } from '../../src/infrastructure/identity/jwt.js';
import { until } from '../support/graphql.js';
import { spawnTandem, type TandemProcess } from '../support/tandem-process.js';
import { TEST_JWT_SECRET } from '../support/test-app.js';

/** One span as OTLP/HTTP JSON carries it (ids in hex). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: Record<string, unknown> }[];
}

// An in-process OTLP/HTTP receiver: Tandem exports to it as it would to a collector.
const spans: OtlpSpan[] = [];
let receiver: Server;
let tandem: TandemProcess;
let url: string;
const dataDir = mkdtempSync(join(tmpdir(), 'tandem-tracing-'));

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const payload = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
        for (const resource of payload.resourceSpans) for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as { port: number }).port;
  tandem = spawnTandem(
    dataDir,
    { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '200' },
    { preload: true },
  );
  url = await tandem.listening;
}, 180_000);

afterAll(async () => {
  await tandem?.stop();
  await new Promise((resolve) => receiver.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

const attribute = (span: OtlpSpan, key: string) => Object.values(span.attributes?.find((a) => a.key === key)?.value ?? {})[0];

describe('OpenTelemetry tracing (issue 17)', () => {
  it('is off unless an OTLP endpoint is configured', () => {
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
  });

  it('one mutation is one trace: the HTTP request, the GraphQL operation, the command, its event-store append and the projection that applies the event, with the trace id in its log lines', async () => {
    const token = await signToken(TEST_JWT_SECRET, { sub: 'trace-csr', roles: ['csr'] });
    const res = await request(url).post('/graphql').set('authorization', `Bearer ${token}`).send({ query: 'mutation StartTraced { startSession { id } }' }).expect(200);
    expect(res.body.errors).toBeUndefined();

    // The batch processor exports within a moment; wait for the command's append to arrive.
    const append = await until(
      'the append span under the command span',
      async () => spans.find((s) => s.name === 'eventstore.append' && spans.some((c) => c.spanId === s.parentSpanId && c.name === 'command StartSession')),
      30_000,
    );
    // Parents end after their children, so they may come in a later export: wait for the chain to reach the root.
    const chainOf = (span: OtlpSpan): OtlpSpan[] => {
      const byId = new Map(spans.filter((s) => s.traceId === span.traceId).map((s) => [s.spanId, s]));
      const ancestors = (s: OtlpSpan): OtlpSpan[] => (s.parentSpanId && byId.get(s.parentSpanId) ? [byId.get(s.parentSpanId)!, ...ancestors(byId.get(s.parentSpanId)!)] : []);
      return ancestors(span);
    };
    const chain = await until(
      'the ancestors of the append span, up to the root span',
      async () => {
        const found = chainOf(append);
        return found.length > 0 && !found.at(-1)!.parentSpanId ? found : undefined;
      },
      30_000,
    );

    const command = chain[0]!;
    expect(command.name).toBe('command StartSession');
    expect(attribute(command, 'tandem.command.type')).toBe('StartSession');
    expect(attribute(append, 'tandem.events')).toEqual(expect.anything());
    // Above the command: GraphQL's execution, and at the root the HTTP server span of POST /graphql.
    expect(chain.some((s) => s.name.startsWith('graphql.'))).toBe(true);
    const root = chain.at(-1)!;
    expect(root.kind).toBe(2); // SERVER
    expect(root.parentSpanId ?? '').toBe('');
    expect(attribute(root, 'http.request.method') ?? attribute(root, 'http.method')).toBe('POST');
    // The append's own SQL, from the pg instrumentation, nests under our append span.
    await until('the SQL span under the append', async () => spans.find((s) => s.traceId === append.traceId && s.parentSpanId === append.spanId), 30_000);

    // The projection applies the event later, read from the log by the node's reader, yet in the
    // same trace: the command's trace context went with the event (traceparent in its metadata), and
    // the projection's span is a child of the command's span (a link only for a batch's other traces).
    const projection = await until(
      'the session_view projection span in the same trace',
      async () => spans.find((s) => s.traceId === append.traceId && s.name === 'projection session_view'),
      30_000,
    );
    expect(projection.parentSpanId).toBe(command.spanId);
    expect(attribute(projection, 'tandem.projection')).toBe('session_view');
    expect(Number(attribute(projection, 'tandem.events'))).toBeGreaterThanOrEqual(1);
    // Its rows and checkpoint (one transaction) are its SQL children.
    await until('the SQL span under the projection', async () => spans.find((s) => s.traceId === append.traceId && s.parentSpanId === projection.spanId), 30_000);

    // The request's log line carries the trace id.
    const line = await until('a log line with the trace id', async () => tandem.lines.find((l) => l.traceId === append.traceId), 30_000);
    expect(line.service).toBe('tandem');
  }, 120_000);

  it('a problem response carries the trace id of its request, and the request line names the code', async () => {
    const token = await signToken(TEST_JWT_SECRET, { sub: 'trace-csr', roles: ['csr'] });
    const res = await request(url).get('/api/v1/sessions/0190f2c4-0000-7000-8000-000000000000').set('authorization', `Bearer ${token}`).expect(404);
    expect(res.body.traceId).toMatch(/^[0-9a-f]{32}$/);
    const server = await until('the server span of the refused request', async () => spans.find((s) => s.traceId === res.body.traceId && s.kind === 2), 30_000);
    expect(server.parentSpanId ?? '').toBe('');
    const line = await until(
      'the request line of the refused request',
      async () => tandem.lines.find((l) => l.traceId === res.body.traceId && l.problemCode !== undefined),
      30_000,
    );
    expect(line).toMatchObject({ problemCode: res.body.code, userId: 'trace-csr', level: 30 }); // a refusal is info, not an error
  }, 60_000);
});
