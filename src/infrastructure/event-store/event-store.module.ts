import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { storedEventUpcasters } from '../../application/event-store/stored-event-upcasters.js';
import pg from 'pg';
import { EVENT_STORE, type EventStore } from '../../application/event-store/event-store.port.js';
import { UpcasterRegistry } from '../../application/event-store/upcasters.js';
import type { AppConfig } from '../config/app-config.js';
import { EsdbEventStore } from './esdb/esdb-event-store.js';
import { PostgresEventStore } from './postgres-event-store.js';
import { tracedEventStore } from '../telemetry/traced-event-store.js';

export const EVENT_STORE_POOL = Symbol('EventStorePool');

/** Provides the event store port: PostgreSQL by default, EventStoreDB/KurrentDB when EVENTSTORE_URL is set. */
@Global()
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  static register(config: AppConfig, databaseUrl: string, upcasters: UpcasterRegistry = storedEventUpcasters()): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        { provide: UpcasterRegistry, useValue: upcasters },
        {
          provide: EVENT_STORE_POOL,
          useFactory: () => {
            const pool = new pg.Pool({ connectionString: databaseUrl, max: config.dbPoolSize });
            pool.on('error', () => undefined); // an idle client lost; the next query reconnects
            return pool;
          },
        },
        {
          provide: EVENT_STORE,
          inject: [EVENT_STORE_POOL, UpcasterRegistry],
          useFactory: (pool: pg.Pool, registry: UpcasterRegistry): EventStore =>
            tracedEventStore(
              config.eventstoreUrl
                ? new EsdbEventStore(config.eventstoreUrl, registry)
                : new PostgresEventStore({ pool, upcasters: registry, appendFlights: config.appendFlights }),
            ),
        },
      ],
      exports: [EVENT_STORE, EVENT_STORE_POOL, UpcasterRegistry],
    };
  }

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EVENT_STORE_POOL) private readonly pool: pg.Pool,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    await this.pool.end().catch(() => undefined);
  }
}
