import { hostname } from 'node:os';
import { trace } from '@opentelemetry/api';
import type { LoggerOptions } from 'pino';

/**
 * The one shape of every log line, from the first start-up line to the last request line: JSON
 * with pino's numeric `level`, `time` (ms since the epoch), `service`, `pid`, `hostname`, `msg`,
 * `traceId`/`spanId` of the active trace (OpenTelemetry) when there is one, `context` for lines
 * from the app's components, and errors as `err` objects (type, message, stack), never raw text.
 */
export function logShape(level: string): LoggerOptions {
  return { level, base: { service: 'tandem', pid: process.pid, hostname: hostname() }, mixin: traceFields };
}

/** `traceId` and `spanId` of the active span, so a line can be found from its trace and back. */
export function traceFields(): { traceId?: string; spanId?: string } {
  const context = trace.getActiveSpan()?.spanContext();
  return context && trace.isSpanContextValid(context) ? { traceId: context.traceId, spanId: context.spanId } : {};
}

/** What a request line adds: its trace, the caller, and the problem code it was answered with (set by the exception filter or the edge). */
export function requestFields(req: { principal?: { userId?: string }; traceId?: string; problemCode?: string }): Record<string, string> {
  // Read at the start of the request, while its span is active, and kept for the completion line.
  req.traceId ??= traceFields().traceId;
  return {
    ...(req.traceId ? { traceId: req.traceId } : {}),
    ...(req.principal?.userId ? { userId: req.principal.userId } : {}),
    ...(req.problemCode ? { problemCode: req.problemCode } : {}),
  };
}

/** Refusals (4xx) are answers and log at info; faults (5xx, errors) at error. */
export function requestLevel(_req: unknown, res: { statusCode: number }, error?: Error): 'info' | 'error' {
  return error || res.statusCode >= 500 ? 'error' : 'info';
}
