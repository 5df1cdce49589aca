import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore } from '../application/event-store/event-store.port.js';
import { ProjectionRunner } from '../application/projections/projection-runner.js';
import { PresenceService } from '../application/sessions/presence.service.js';
import { QueueChangeFeed, SessionChangeFeed } from '../application/projections/change-feed.js';
import { SessionService } from '../application/sessions/session.service.js';
import { CommandHandler } from '../application/command-handling/command-handler.js';
import { Metrics } from './metrics/metrics.js';
import { ConsentView } from '../application/signalling/consent-view.js';
import { EVENT_STORE_POOL } from './event-store/event-store.module.js';
import { PgSessionVersions, StoreSessionVersions } from './signalling/pg-session-versions.js';
import type { AppConfig } from './config/app-config.js';
import { PgPresenceStore } from './persistence/pg-presence-store.js';
import { csrActivityProjection } from './persistence/projections/csr-activity.projection.js';
import { queueViewProjection } from './persistence/projections/queue-view.projection.js';
import { sessionViewProjection } from './persistence/projections/session-view.projection.js';
import { PgSessionNumbers, TypeOrmSessionReadModel } from './persistence/session-read-model.js';
import { LOOKUP_LIMITER } from '../application/sessions/lookup-limiter.port.js';
import { PgLookupLimiter } from './rate-limit/pg-lookup-limiter.js';

/** Runs the read-model projections and the presence sweep for as long as the app runs. */
@Injectable()
export class SessionsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private sweeper?: NodeJS.Timeout;
  private sweeping?: Promise<unknown>;

  constructor(
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunner,
    @Inject(PresenceService) private readonly presence: PresenceService,
    @Inject('PRESENCE_SWEEP_MS') private readonly sweepMs: number,
  ) {}

  async onApplicationBootstrap() {
    await this.runner.start();
    this.sweeper = setInterval(() => {
      this.sweeping ??= this.presence.sweep().finally(() => (this.sweeping = undefined));
    }, this.sweepMs);
    this.sweeper.unref();
  }

  async onApplicationShutdown() {
    clearInterval(this.sweeper);
    await this.sweeping?.catch(() => undefined);
    await this.runner.stop();
  }
}

export function sessionProviders(config: AppConfig): Provider[] {
  const logger = new Logger('Sessions');
  const log = (message: string, error?: unknown) => logger.error({ err: error }, message);
  return [
    SessionChangeFeed,
    QueueChangeFeed,
    { provide: 'PRESENCE_SWEEP_MS', useValue: Math.max(250, Math.min(5000, Math.floor(config.presenceGraceMs / 4))) },
    {
      provide: ProjectionRunner,
      inject: [EVENT_STORE, DataSource, SessionChangeFeed, QueueChangeFeed],
      useFactory: (store: EventStore, dataSource: DataSource, sessionFeed: SessionChangeFeed, queueFeed: QueueChangeFeed) =>
        new ProjectionRunner(store, dataSource, [sessionViewProjection, queueViewProjection, csrActivityProjection], log, (name, events) => {
          if (name === sessionViewProjection.name) sessionFeed.applied(events);
          if (name === queueViewProjection.name) queueFeed.applied(events);
        }),
    },
    {
      // The signalling gateway's consent, kept from the event stream (SHR-4, CTL-4, MC-3, SES-7).
      provide: ConsentView,
      inject: [EVENT_STORE, EVENT_STORE_POOL],
      useFactory: (store: EventStore, pool: pg.Pool) => new ConsentView(store, config.eventstoreUrl ? new StoreSessionVersions(store) : new PgSessionVersions(pool)),
    },
    {
      provide: SessionService,
      inject: [EVENT_STORE, DataSource, ProjectionRunner, ConsentView, Metrics],
      useFactory: (store: EventStore, dataSource: DataSource, runner: ProjectionRunner, consent: ConsentView, metrics: Metrics) =>
        new SessionService(
          store,
          new TypeOrmSessionReadModel(dataSource),
          new PgSessionNumbers(dataSource),
          runner,
          config.publicBaseUrl,
          new CommandHandler(store, { observer: metrics }),
          (sessionId) => logger.warn({ sessionId }, 'read model behind: a mutation answered before its events were projected'),
          consent,
        ),
    },
    {
      provide: PresenceService,
      inject: [DataSource, SessionService],
      useFactory: (dataSource: DataSource, sessions: SessionService) => new PresenceService(new PgPresenceStore(dataSource), sessions, config.presenceGraceMs, log),
    },
    {
      provide: LOOKUP_LIMITER,
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => new PgLookupLimiter((dataSource.driver as unknown as { master: pg.Pool }).master, config.lookupRatePerMinute),
    },
    SessionsLifecycle,
    {
      // Open subscriptions (sessionChanged, mySessionsChanged, queueChanged...) are the change feeds' listeners.
      provide: 'SUBSCRIPTION_GAUGE',
      inject: [Metrics, SessionChangeFeed, QueueChangeFeed],
      useFactory: (metrics: Metrics, sessionFeed: SessionChangeFeed, queueFeed: QueueChangeFeed) =>
        metrics.watchSubscriptions(() => ({ sessions: sessionFeed.listenerCount, queues: queueFeed.listenerCount })),
    },
  ];
}
