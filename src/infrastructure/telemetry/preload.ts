/**
 * Loaded before the app with `node --import ./dist/src/infrastructure/telemetry/preload.js`
 * (npm start, start:prod, the Docker image). With an OTLP endpoint configured it registers the
 * ESM loader hook the instrumentations patch modules through, then starts the SDK, so that
 * http, graphql, pg and ioredis are instrumented when the app imports them. Without
 * one it does nothing.
 */
import { register } from 'node:module';
import { startTracing, tracingConfigured } from './tracing.js';

if (tracingConfigured(process.env)) {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  startTracing();
}
