import { ParseUUIDPipe } from '@nestjs/common';
import { Args, ID, Mutation, Resolver, Subscription } from '@nestjs/graphql';
import type { Principal } from '../../application/identity/principal.js';
import { PresenceService } from '../../application/sessions/presence.service.js';
import { endingWith, SessionChangeFeed } from '../../application/projections/change-feed.js';
import { SessionService } from '../../application/sessions/session.service.js';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { SessionModel, toSession } from './session.types.js';

/** The live side of sessions: console presence (SES-5) and change subscriptions over graphql-ws. */
@Resolver(() => SessionModel)
export class SessionLiveResolver {
  constructor(
    private readonly sessions: SessionService,
    private readonly presence: PresenceService,
    private readonly feed: SessionChangeFeed,
  ) {}

  @Mutation(() => Boolean, { description: 'A CSR console reports it is still open (SES-5); send it every few seconds.' })
  async consoleHeartbeat(@CurrentPrincipal() p: Principal, @Args('sessionId', { type: () => ID }, ParseUUIDPipe) sessionId: string) {
    await this.presence.heartbeat(p, sessionId);
    return true;
  }

  @Subscription(() => SessionModel, { description: 'The session each time its read model changes.', resolve: (view: SessionModel) => view })
  async sessionChanged(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }, ParseUUIDPipe) id: string): Promise<AsyncIterator<SessionModel>> {
    // A non-participant learns nothing, not even that it exists. Asked of the stream, not the read
    // model: a session just started (its answer came from the decision) may be subscribed to at once.
    await this.sessions.current(p, id);
    const ids = this.feed.changes((changed) => changed === id);
    return endingWith(ids, this.views(p, ids));
  }

  @Subscription(() => SessionModel, { description: 'Any session the caller takes part in, each time it changes.', resolve: (view: SessionModel) => view })
  mySessionsChanged(@CurrentPrincipal() p: Principal): AsyncIterator<SessionModel> {
    const ids = this.feed.changes();
    return endingWith(
      ids,
      this.views(p, ids, (view) => view.participantIds.includes(p.userId)),
    );
  }

  private async *views(p: Principal, ids: AsyncIterableIterator<string>, keep: (view: Awaited<ReturnType<SessionService['get']>>) => boolean = () => true) {
    try {
      for await (const id of ids) {
        const view = await this.sessions.get(p, id).catch(() => undefined);
        if (view && keep(view)) yield toSession(view);
      }
    } finally {
      await ids.return?.();
    }
  }
}
