import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK, type tracing } from '@opentelemetry/sdk-node';

type Env = Record<string, string | undefined>;

/**
 * Tracing is on when an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), and off otherwise: then no SDK is loaded and the spans
 * Tandem opens through the API cost nothing. OTEL_SDK_DISABLED=true turns it off as well.
 */
export function tracingConfigured(env: Env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim()) && env.OTEL_SDK_DISABLED !== 'true';
}

let sdk: NodeSDK | undefined;

/**
 * Starts the OpenTelemetry Node SDK: traces only (metrics stay on /metrics, logs on stdout),
 * exported by OTLP as the standard OTEL_* variables say (endpoint, protocol, headers, sampler),
 * with spans for incoming and outgoing HTTP, GraphQL, PostgreSQL (pg), Redis (ioredis)
 * and fetch. `spanProcessors` replace the OTLP exporter (tests use the SDK's in-memory exporter).
 * Must run before the instrumented modules load: see preload.ts.
 */
export function startTracing(options: { spanProcessors?: tracing.SpanProcessor[] } = {}): NodeSDK {
  if (sdk) return sdk;
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME ?? 'tandem',
    ...(options.spanProcessors ? { spanProcessors: options.spanProcessors } : {}),
    instrumentations: [
      // Probes and scrapes every few seconds would drown the traces that matter.
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => /^\/(health(\/(live|ready))?|metrics)(\?|$)/i.test(req.url ?? '') }),
      new GraphQLInstrumentation({ mergeItems: true, ignoreTrivialResolveSpans: true }),
      new PgInstrumentation(),
      new IORedisInstrumentation(),
      new UndiciInstrumentation(),
    ],
  });
  sdk.start();
  return sdk;
}

/** Flushes and stops the SDK (at shutdown); nothing when tracing is off. */
export async function shutdownTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown().catch(() => undefined);
}
