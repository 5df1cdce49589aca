import { type Attributes, SpanStatusCode, trace } from '@opentelemetry/api';
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
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
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
  });
}

/** The W3C trace id of the active span (32 hex digits), or undefined outside a sampled trace. */
export function activeTraceId(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  return context && trace.isSpanContextValid(context) ? context.traceId : undefined;
}
