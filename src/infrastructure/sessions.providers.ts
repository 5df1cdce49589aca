import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore } from '../application/event-store/event-store.port.js';
import { ProjectionRunner } from '../application/projections/projection-runner.js';
import { SessionService } from '../application/sessions/session.service.js';
import type { AppConfig } from './config/app-config.js';
import { sessionViewProjection } from './persistence/projections/session-view.projection.js';
import { PgSessionNumbers, TypeOrmSessionReadModel } from './persistence/session-read-model.js';

/** Runs the read-model projections for as long as the app runs. */
@Injectable()
export class ProjectionsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(ProjectionRunner) private readonly runner: ProjectionRunner) {}

  onApplicationBootstrap() {
    return this.runner.start();
  }

  onApplicationShutdown() {
    return this.runner.stop();
  }
}

export function sessionProviders(config: AppConfig): Provider[] {
  const logger = new Logger('Projections');
  return [
    {
      provide: ProjectionRunner,
      inject: [EVENT_STORE, DataSource],
      useFactory: (store: EventStore, dataSource: DataSource) =>
        new ProjectionRunner(store, dataSource, [sessionViewProjection], (message, error) => logger.error({ err: error }, message)),
    },
    ProjectionsLifecycle,
    {
      provide: SessionService,
      inject: [EVENT_STORE, DataSource, ProjectionRunner],
      useFactory: (store: EventStore, dataSource: DataSource, runner: ProjectionRunner) =>
        new SessionService(store, new TypeOrmSessionReadModel(dataSource), new PgSessionNumbers(dataSource), runner, config.publicBaseUrl),
    },
  ];
}
