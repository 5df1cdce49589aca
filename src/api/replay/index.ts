import type { Provider, Type } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '../../application/event-store/event-store.port.js';
import { ReplayService } from '../../application/replay/replay.service.js';
import { SessionService } from '../../application/sessions/session.service.js';
import { ReplayController } from './replay.controller.js';
import { ReplayResolver } from './replay.resolver.js';

/** The replay API (RPT-2): GraphQL queries, REST routes and the service they call; registered by AppModule. */
export const REPLAY_API: { controllers: Type[]; providers: Provider[] } = {
  controllers: [ReplayController],
  providers: [
    ReplayResolver,
    { provide: ReplayService, inject: [EVENT_STORE, SessionService], useFactory: (store: EventStore, sessions: SessionService) => new ReplayService(store, sessions) },
  ],
};
