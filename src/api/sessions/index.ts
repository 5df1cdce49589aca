import type { Provider, Type } from '@nestjs/common';
import { SessionLiveResolver } from './session-live.resolver.js';
import { SessionResolver } from './session.resolver.js';
import { SessionsController } from './sessions.controller.js';

/** The session API: GraphQL resolvers and REST controllers, registered by AppModule. */
export const SESSION_API: { controllers: Type[]; providers: Provider[] } = { controllers: [SessionsController], providers: [SessionResolver, SessionLiveResolver] };
