import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CommandHandler } from '../application/command-handling/command-handler.js';
import { EVENT_STORE, type EventStore } from '../application/event-store/event-store.port.js';
import { JOB_SCHEDULER, type JobScheduler } from '../application/jobs/job-scheduler.port.js';
import { SessionService } from '../application/sessions/session.service.js';
import { SessionChangeFeed } from '../application/projections/change-feed.js';
import { JOBS, WebAcdService } from '../application/webacd/webacd.service.js';
import { WEBACD_REACTION_TYPES, WebAcdReactions } from '../application/webacd/webacd.reactions.js';
import type { AppConfig } from './config/app-config.js';
import { localJwtSecret } from './config/app-config.js';
import { signToken } from './identity/jwt.js';
import { BullMqJobScheduler } from './jobs/bullmq-job-scheduler.js';
import { Metrics } from './metrics/metrics.js';
import { PgAgentLoad, PgQueueReadModel } from './persistence/webacd-read-model.js';
import { ProjectionRunner } from './projections/projection-runner.js';

/**
 * Timers start with the app and stop with it. The reactions are a consumer of the node's one log
 * reader (checkpointed on their own, led by one node at a time): mutations never wait for them.
 */
@Injectable()
export class WebAcdLifecycle implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(JOB_SCHEDULER) private readonly jobs: JobScheduler,
    @Inject(ProjectionRunner) private readonly reader: ProjectionRunner,
    @Inject(WebAcdReactions) private readonly webacd: WebAcdReactions,
  ) {}

  onModuleInit() {
    // The runner holds the checkpoint transaction while a batch reacts: a statement between chunks
    // keeps it from idling out on a long batch.
    this.reader.add(
      { name: 'webacd_reactions', handles: new Set(WEBACD_REACTION_TYPES), apply: (tx, events) => this.webacd.reactToBatch(events, () => tx.query('SELECT 1')) },
      'reaction',
    );
  }

  async onApplicationBootstrap() {
    this.jobs.handle(JOBS.expireOffer, (data) => this.webacd.expireOffer(String(data.queueId), String(data.offerId)));
    this.jobs.handle(JOBS.abandonItem, (data) => this.webacd.abandonItem(String(data.queueId), String(data.itemId)));
    this.jobs.handle(JOBS.expireDue, (data) => this.webacd.expireDue(String(data.queueId)));
    this.jobs.handle(JOBS.abandonDue, (data) => this.webacd.abandonDue(String(data.queueId)));
    await this.jobs.start();
  }

  async onApplicationShutdown() {
    await this.jobs.close();
  }
}

export function webAcdProviders(config: AppConfig, databaseUrl: string): Provider[] {
  const logger = new Logger('WebACD');
  const guestSecret = localJwtSecret(config);
  return [
    {
      provide: JOB_SCHEDULER,
      inject: [Metrics],
      useFactory: (metrics: Metrics) =>
        new BullMqJobScheduler(config.redisUrl ? { kind: 'redis', url: config.redisUrl } : { kind: 'postgres', url: databaseUrl }, {
          // On PostgreSQL the timers live in the app's own database; a Redis may be shared by several
          // deployments (or test databases), whose workers would otherwise take each other's timers
          // and run them against the wrong event store: one timer queue per database there.
          queueName: config.redisUrl ? timerQueueName(databaseUrl) : undefined,
          onFailure: (name, error) => logger.warn({ err: error, job: name }, 'job failed; it will be retried'),
          onOutcome: (queue, name, outcome) => metrics.jobs.inc({ queue, name, outcome }),
        }),
    },
    {
      provide: WebAcdService,
      inject: [EVENT_STORE, DataSource, SessionService, SessionChangeFeed, Metrics],
      useFactory: (store: EventStore, dataSource: DataSource, sessions: SessionService, sessionChanges: SessionChangeFeed, metrics: Metrics) =>
        new WebAcdService(
          new CommandHandler(store, { observer: metrics }),
          sessions,
          new PgQueueReadModel(dataSource),
          new PgAgentLoad(dataSource),
          sessionChanges,
          {
            issue: (customerId, name) => signToken(guestSecret, { sub: customerId, roles: ['customer'], name }, { expiresIn: `${Math.min(4 * 3600, config.jwt.maxTtlSeconds)}s` }),
          },
          { maxWaitMs: config.webacdMaxWaitMs, statsWindowMs: config.webacdStatsWindowMs },
        ),
    },
    {
      provide: WebAcdReactions,
      inject: [WebAcdService, JOB_SCHEDULER],
      useFactory: (webacd: WebAcdService, jobs: JobScheduler) => new WebAcdReactions(webacd, jobs, { maxWaitMs: config.webacdMaxWaitMs }),
    },
    WebAcdLifecycle,
  ];
}

/** The Redis timer queue of the deployment whose event store is in this database. */
export function timerQueueName(databaseUrl: string): string {
  let database = 'tandem';
  try {
    database = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, '')) || database;
  } catch {
    // not a URL: keep the default
  }
  return `tandem-timers-${database.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}
