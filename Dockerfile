# syntax=docker/dockerfile:1
# Multi-stage image: build with every dependency, run with production dependencies only, as a
# non-root user, with a HEALTHCHECK on readiness. Node 24 is the current LTS line.

FROM node:24.11-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24.11-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000 DATA_DIR=/var/lib/tandem
WORKDIR /app
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /var/lib/tandem && chown node:node /var/lib/tandem
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The preload starts OpenTelemetry tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set (README: Operations).
CMD ["node", "--import", "./dist/src/infrastructure/telemetry/preload.js", "dist/src/main.js"]
