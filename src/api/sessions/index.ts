import type { Provider, Type } from '@nestjs/common';

/** The session API: GraphQL resolvers and REST controllers, registered by AppModule. */
export const SESSION_API: { controllers: Type[]; providers: Provider[] } = { controllers: [], providers: [] };
