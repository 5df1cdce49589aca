import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import { activeTraceContext, inSpan, inSpanContinuing, traceContextIn, type TraceCarrier } from '../../src/application/operations/tracing.js';

// The SDK with an in-memory exporter in this process (the e2e test exports from a real process by OTLP).
const exporter = new tracing.InMemorySpanExporter();
const processor = new tracing.SimpleSpanProcessor(exporter);
const sdk = new NodeSDK({ spanProcessors: [processor], instrumentations: [] });
/** The spans ended so far (the processor exports once the resource's detectors have answered). */
async function finished() {
  await processor.forceFlush();
  return exporter.getFinishedSpans();
}
beforeAll(() => sdk.start());
afterAll(() => sdk.shutdown());
beforeEach(() => exporter.reset());

/** The trace context of a fresh `command <name>` span, and that span as exported. */
async function commandSpan(name: string): Promise<{ carrier: TraceCarrier; spanId: string; traceId: string }> {
  const carrier = await inSpan(`command ${name}`, {}, async () => activeTraceContext());
  const span = (await finished()).find((s) => s.name === `command ${name}`)!;
  return { carrier: carrier!, spanId: span.spanContext().spanId, traceId: span.spanContext().traceId };
}

describe('trace context carried with events (issue 17)', () => {
  it("the active span's context is W3C traceparent, and none outside a span", async () => {
    const { carrier, spanId, traceId } = await commandSpan('A');
    expect(carrier.traceparent).toBe(`00-${traceId}-${spanId}-01`);
    expect(activeTraceContext()).toBeUndefined();
  });

  it("a consumer's span is a child of the first event's span and linked to the other traces of its batch", async () => {
    const a = await commandSpan('A');
    const b = await commandSpan('B');
    const metadata = [{ ...a.carrier }, {}, { ...a.carrier }, { ...b.carrier }];
    const result = await inSpanContinuing('projection session_view', { 'tandem.projection': 'session_view' }, metadata.map(traceContextIn), async () => 'applied');
    expect(result).toBe('applied');
    const projection = (await finished()).find((s) => s.name === 'projection session_view')!;
    expect(projection.spanContext().traceId).toBe(a.traceId);
    expect(projection.parentSpanContext?.spanId).toBe(a.spanId);
    // One link per other span: A's second event adds none.
    expect(projection.links.map((l) => [l.context.traceId, l.context.spanId])).toEqual([[b.traceId, b.spanId]]);
  });

  it('a batch without trace context (tracing was off when it was written) runs without a span', async () => {
    expect(await inSpanContinuing('projection p', {}, [undefined, traceContextIn({ commandId: 'x' })], async () => 1)).toBe(1);
    expect(await finished()).toEqual([]);
  });

  it("a consumer's failure marks its span, and the error goes on", async () => {
    const a = await commandSpan('A');
    await expect(inSpanContinuing('projection p', {}, [a.carrier], () => Promise.reject(new Error('the batch failed')))).rejects.toThrow('the batch failed');
    expect((await finished()).find((s) => s.name === 'projection p')?.status).toMatchObject({ code: 2, message: 'the batch failed' });
  });
});
