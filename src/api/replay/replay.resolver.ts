import { Args, Query, Resolver } from '@nestjs/graphql';
import type { Principal } from '../../application/identity/principal.js';
import { ReplayService } from '../../application/replay/replay.service.js';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators.js';
import { toSession } from '../sessions/session.types.js';
import {
  HistoryArgs,
  pointOf,
  QueueHistoryPage,
  QueueStateAtView,
  SessionHistoryPage,
  SessionStateAtView,
  StateAtArgs,
  toChain,
  toQueueHistoryEvent,
  toSessionHistoryEvent,
} from './replay.types.js';

/** RPT-2 over GraphQL: a session's or a queue's history, event by event, and its state at any point. */
@Resolver()
export class ReplayResolver {
  constructor(private readonly replay: ReplayService) {}

  @Query(() => SessionHistoryPage, { description: 'RPT-2: supervisors and admins replay any session; a CSR the sessions they were a CSR in.' })
  async sessionHistory(@CurrentPrincipal() p: Principal, @Args() { id, offset, limit }: HistoryArgs): Promise<SessionHistoryPage> {
    const history = await this.replay.sessionHistory(p, id, { offset, limit });
    return { items: history.items.map(toSessionHistoryEvent), total: history.total, chain: toChain(history.chain) };
  }

  @Query(() => SessionStateAtView, { description: 'RPT-2: the session after the event of this version, or after the last event stored by this time.' })
  async sessionStateAt(@CurrentPrincipal() p: Principal, @Args() a: StateAtArgs): Promise<SessionStateAtView> {
    const at = await this.replay.sessionStateAt(p, a.id, pointOf(a));
    return { version: at.version, at: at.at, stateJson: JSON.stringify(at.state), session: toSession(at.view), chain: toChain(at.chain) };
  }

  @Roles('supervisor', 'admin')
  @Query(() => QueueHistoryPage)
  async queueHistory(@CurrentPrincipal() p: Principal, @Args() { id, offset, limit }: HistoryArgs): Promise<QueueHistoryPage> {
    const history = await this.replay.queueHistory(p, id, { offset, limit });
    return { items: history.items.map(toQueueHistoryEvent), total: history.total, chain: toChain(history.chain) };
  }

  @Roles('supervisor', 'admin')
  @Query(() => QueueStateAtView)
  async queueStateAt(@CurrentPrincipal() p: Principal, @Args() a: StateAtArgs): Promise<QueueStateAtView> {
    const at = await this.replay.queueStateAt(p, a.id, pointOf(a));
    return { version: at.version, at: at.at, stateJson: JSON.stringify(at.state), chain: toChain(at.chain) };
  }
}
