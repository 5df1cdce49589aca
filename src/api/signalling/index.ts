import { randomUUID } from 'node:crypto';
import { Logger, type Provider, type Type } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { SIGNALLING_BUS } from '../../application/signalling/signalling-bus.port.js';
import type { AppConfig } from '../../infrastructure/config/app-config.js';
import { PgSignallingBus } from '../../infrastructure/signalling/pg-signalling-bus.js';
import { RedisSignallingBus } from '../../infrastructure/signalling/redis-signalling-bus.js';
import { SIGNALLING_NODE_ID, SignallingGateway } from './signalling.gateway.js';

export { SignallingGateway } from './signalling.gateway.js';

const logger = new Logger('Signalling');
const log = (message: string, error?: unknown) => logger.error({ err: error }, message);

/**
 * The WebRTC signalling socket (`/signalling`), registered by AppModule. Frames cross nodes
 * through Redis pub/sub when REDIS_URL is set, else through PostgreSQL LISTEN/NOTIFY.
 */
export const SIGNALLING_API: { controllers: Type[]; providers: Provider[] } = {
  controllers: [],
  providers: [
    { provide: SIGNALLING_NODE_ID, useFactory: () => randomUUID() },
    {
      provide: SIGNALLING_BUS,
      inject: [ConfigService, DataSource, SIGNALLING_NODE_ID],
      useFactory: (config: ConfigService, dataSource: DataSource, node: string) => {
        const app = config.get<AppConfig>('app');
        const databaseUrl = (dataSource.options as { url: string }).url;
        if (app?.redisUrl) return new RedisSignallingBus(app.redisUrl, databaseUrl, node, log);
        return new PgSignallingBus(databaseUrl, node, log);
      },
    },
    SignallingGateway,
  ],
};
