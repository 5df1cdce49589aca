import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CommandObserver, CommandOutcome } from '../../application/command-handling/command-observer.port.js';

/**
 * One Prometheus registry per app instance (tests run several in one process), holding what an
 * operator pages on. Counters and histograms are pushed by the code that acts; gauges over the
 * database (projection lag, live sessions, queue depth) are read at scrape time by
 * `MetricsCollectors`.
 */
export class Metrics implements CommandObserver {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'tandem_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly commands = new Counter({
    name: 'tandem_commands_total',
    help: 'Commands handled, by type and outcome (ok, duplicate, refused, failed); code is the problem code of a refusal',
    labelNames: ['type', 'outcome', 'code'],
    registers: [this.registry],
  });
  readonly commandDuration = new Histogram({
    name: 'tandem_command_duration_seconds',
    help: 'Command handling time (load, decide, append), by type',
    labelNames: ['type'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly graphqlOperations = new Histogram({
    name: 'tandem_graphql_operation_duration_seconds',
    help: 'GraphQL operations by operation name, kind (query, mutation, subscription) and outcome (ok, error)',
    labelNames: ['operation', 'kind', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly openSockets = new Gauge({
    name: 'tandem_open_sockets',
    help: 'Open WebSocket connections by endpoint (signalling, graphql)',
    labelNames: ['endpoint'],
    registers: [this.registry],
  });
  readonly signallingFrames = new Counter({
    name: 'tandem_signalling_frames_total',
    help: 'Signalling frames relayed to a peer (outcome relayed) or refused (outcome refused, with the error code)',
    labelNames: ['outcome', 'code'],
    registers: [this.registry],
  });
  readonly jobs = new Counter({
    name: 'tandem_jobs_total',
    help: 'Background jobs by queue (tandem-timers, tandem-mail, ...), job name and outcome (completed, failed); mail delivery is the tandem-mail queue',
    labelNames: ['queue', 'name', 'outcome'],
    registers: [this.registry],
  });

  readonly projectedEvents = new Counter({
    name: 'tandem_projection_events_applied_total',
    help: 'Events this node applied, by projection or reaction (only the leading node applies one)',
    labelNames: ['projection'],
    registers: [this.registry],
  });
  readonly projectionLeader = new Gauge({
    name: 'tandem_projection_leader',
    help: '1 while this node leads the projection or reaction',
    labelNames: ['projection'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'tandem_' });
  }

  /** Reports the live subscriptions of this node, per change feed, at scrape time. */
  watchSubscriptions(count: () => Record<string, number>): void {
    new Gauge({
      name: 'tandem_subscriptions',
      help: 'Live GraphQL subscriptions on this node, by feed (sessions, queues)',
      labelNames: ['feed'],
      registers: [this.registry],
      collect() {
        for (const [feed, n] of Object.entries(count())) this.set({ feed }, n);
      },
    });
  }

  /** CommandObserver: one count and one latency sample per command. */
  handled(type: string, outcome: CommandOutcome, seconds: number, code?: string): void {
    this.commands.inc({ type, outcome, code: code ?? '' });
    this.commandDuration.observe({ type }, seconds);
  }
}
