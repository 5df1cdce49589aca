import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore } from '../application/event-store/event-store.port.js';
import { PresenceService } from '../application/sessions/presence.service.js';
import { QueueChangeFeed, SessionChangeFeed, SettingsChangeFeed } from '../application/projections/change-feed.js';
import { SessionService } from '../application/sessions/session.service.js';
import { CommandHandler } from '../application/command-handling/command-handler.js';
import { ConsentView } from '../application/signalling/consent-view.js';
import { RELAY_LEASES } from '../application/signalling/signalling-bus.port.js';
import { PgRelayLeases } from './signalling/pg-relay-leases.js';
import { EVENT_STORE_POOL } from './event-store/event-store.module.js';
import { PgSessionVersions, StoreSessionVersions } from './signalling/pg-session-versions.js';
import type { AppConfig } from './config/app-config.js';
import { Metrics } from './metrics/metrics.js';
import { ProjectionRunner } from './projections/projection-runner.js';
import { PgPresenceStore } from './persistence/pg-presence-store.js';
import { csrActivityProjection } from './persistence/projections/csr-activity.projection.js';
import { queueViewProjection } from './persistence/projections/queue-view.projection.js';
import { sessionViewProjection } from './persistence/projections/session-view.projection.js';
import { PgSessionNumbers, TypeOrmSessionReadModel } from './persistence/session-read-model.js';
import { LOOKUP_LIMITER } from '../application/sessions/lookup-limiter.port.js';
import { PgLookupLimiter } from './rate-limit/pg-lookup-limiter.js';

/**
 * Runs the node's one log reader (every projection and reaction; other modules add theirs when
 * their module initialises, before this starts it) and the presence sweep.
 */
@Injectable()
export class SessionsLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
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

  /** Before any module closes what reactions use (job queues, mail): the reader stops first. */
  async beforeApplicationShutdown() {
    clearInterval(this.sweeper);
    await this.sweeping?.catch(() => undefined);
    await this.runner.stop();
  }

  async onApplicationShutdown() {
    await this.runner.stop();
  }
}

export function sessionProviders(config: AppConfig, databaseUrl: string): Provider[] {
  const logger = new Logger('Sessions');
  const log = (message: string, error?: unknown) => logger.error({ err: error }, message);
  return [
    SessionChangeFeed,
    QueueChangeFeed,
    SettingsChangeFeed,
    { provide: 'PRESENCE_SWEEP_MS', useValue: Math.max(250, Math.min(5000, Math.floor(config.presenceGraceMs / 4))) },
    {
      provide: ProjectionRunner,
      inject: [EVENT_STORE, DataSource, SessionChangeFeed, QueueChangeFeed, SettingsChangeFeed, Metrics],
      useFactory: (store: EventStore, dataSource: DataSource, sessionFeed: SessionChangeFeed, queueFeed: QueueChangeFeed, settingsFeed: SettingsChangeFeed, metrics: Metrics) =>
        new ProjectionRunner(
          store,
          dataSource,
          [sessionViewProjection, queueViewProjection, csrActivityProjection],
          log,
          (name, events) => {
            if (name === sessionViewProjection.name) sessionFeed.applied(events);
            if (name === queueViewProjection.name) queueFeed.applied(events);
          },
          {
            // Each projection and reaction runs on one node at a time (advisory-lock lease, fail-over).
            leadership: { connectionString: databaseUrl },
            onLeadership: (name, leading) => {
              metrics.projectionLeader.set({ projection: name }, leading ? 1 : 0);
              logger.log({ projection: name, leading }, leading ? `leading ${name}` : `no longer leading ${name}`);
            },
            countApplied: (name, count) => metrics.projectedEvents.inc({ projection: name }, count),
            onRead: (events) => settingsFeed.applied(events),
          },
        ),
    },
    // The signalling gateway's relay leases (ConsentPeers), in PostgreSQL whichever bus carries its messages.
    { provide: RELAY_LEASES, inject: [EVENT_STORE_POOL], useFactory: (pool: pg.Pool) => new PgRelayLeases(pool) },
    {
      // The signalling gateway's consent, kept from the event stream (SHR-4, CTL-4, MC-3, SES-7).
      provide: ConsentView,
      inject: [EVENT_STORE, EVENT_STORE_POOL],
      useFactory: (store: EventStore, pool: pg.Pool) => new ConsentView(store, config.eventstoreUrl ? new StoreSessionVersions(store) : new PgSessionVersions(pool)),
    },
    {
      provide: SessionService,
      inject: [EVENT_STORE, EVENT_STORE_POOL, DataSource, ProjectionRunner, ConsentView, SettingsChangeFeed, Metrics],
      useFactory: (store: EventStore, pool: pg.Pool, dataSource: DataSource, runner: ProjectionRunner, consent: ConsentView, settingsFeed: SettingsChangeFeed, metrics: Metrics) =>
        new SessionService(
          store,
          new TypeOrmSessionReadModel(dataSource),
          new PgSessionNumbers(dataSource),
          runner,
          config.publicBaseUrl,
          new CommandHandler(store, { observer: metrics }),
          consent,
          undefined,
          config.eventstoreUrl ? new StoreSessionVersions(store) : new PgSessionVersions(pool),
          settingsFeed,
          config.settingsMaxAgeMs,
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
