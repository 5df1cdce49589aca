import { type Attributes, context, defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, type Span, type SpanContext, SpanStatusCode, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { DomainError } from '../../domain/shared/domain-error.js';

/**
 * Tandem's own spans (OpenTelemetry API only: without a registered SDK every call is a no-op).
 * The SDK, its exporter and the HTTP/GraphQL/pg instrumentations are set up by
 * infrastructure/telemetry before the app loads (OTEL_EXPORTER_OTLP_ENDPOINT; off by default).
 */
const tracer = trace.getTracer('tandem');

/**
 * Runs `work` inside a new active span named `name`, child of whatever span is active (the HTTP
 * or GraphQL request). A refusal by a rule (DomainError) is an answer, not a fault: it is noted as
 * `tandem.problem.code` and leaves the status unset; any other error marks the span ERROR.
 */
export function inSpan<T>(name: string, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, (span) => runIn(span, work));
}

async function runIn<T>(span: Span, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError) span.setAttribute('tandem.problem.code', error.code);
    else {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    }
    throw error;
  } finally {
    span.end();
  }
}

/**
 * A span's context as W3C Trace Context (https://www.w3.org/TR/trace-context/) carries it:
 * `traceparent` (`00-<trace id>-<span id>-<flags>`) and, when set, `tracestate`. Events keep it
 * in their metadata, so that what consumes them later (projections, reactions) continues the trace.
 */
export interface TraceCarrier {
  readonly traceparent: string;
  readonly tracestate?: string;
}

// The W3C format itself, whatever OTEL_PROPAGATORS chooses for HTTP: stored events need one format.
const w3c = new W3CTraceContextPropagator();

/** The active span's trace context, or undefined when no span is active (tracing off: one lookup, nothing stored). */
export function activeTraceContext(): TraceCarrier | undefined {
  if (!trace.getActiveSpan()) return undefined;
  const carrier: { traceparent?: string; tracestate?: string } = {};
  w3c.inject(context.active(), carrier, defaultTextMapSetter);
  return carrier.traceparent ? (carrier as TraceCarrier) : undefined;
}

/** The trace context stored in an event's metadata (see {@link activeTraceContext}), if any. */
export function traceContextIn(metadata: Readonly<Record<string, unknown>> | undefined): TraceCarrier | undefined {
  const traceparent = metadata?.traceparent;
  if (typeof traceparent !== 'string') return undefined;
  return typeof metadata?.tracestate === 'string' ? { traceparent, tracestate: metadata.tracestate } : { traceparent };
}

/**
 * Runs `work` in a span `name` that continues the traces of `carriers` (the trace contexts stored
 * with the events `work` consumes): a child of the first one's span, so that the consumer shows in
 * the trace of the request that wrote the events, and linked to the others' spans (a batch can hold
 * events of several requests; a span has one parent). Without any carrier, `work` runs with no span.
 */
export function inSpanContinuing<T>(name: string, attributes: Attributes, carriers: readonly (TraceCarrier | undefined)[], work: () => Promise<T>): Promise<T> {
  const spans: SpanContext[] = [];
  for (const carrier of carriers) {
    if (!carrier) continue;
    const found = trace.getSpanContext(w3c.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter));
    if (found && !spans.some((s) => s.spanId === found.spanId && s.traceId === found.traceId)) spans.push(found);
  }
  if (spans.length === 0) return work();
  const [parent, ...others] = spans;
  return tracer.startActiveSpan(name, { attributes, links: others.map((linked) => ({ context: linked })) }, trace.setSpanContext(ROOT_CONTEXT, parent!), (span) =>
    runIn(span, work),
  );
}

/** The W3C trace id of the active span (32 hex digits), or undefined outside a sampled trace. */
export function activeTraceId(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  return context && trace.isSpanContextValid(context) ? context.traceId : undefined;
}
