import { Args, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import type { Principal } from '../../application/identity/principal.js';
import { endingWith, QueueChangeFeed } from '../../application/projections/change-feed.js';
import { WebAcdService } from '../../application/webacd/webacd.service.js';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators.js';
import { SessionModel, toSession } from '../sessions/session.types.js';
import { QueueCommands } from './queue-commands.js';
import {
  AvailabilityArgs,
  ConfigureQueueArgs,
  CreateQueueArgs,
  LeaveQueueArgs,
  OfferArgs,
  OfferModel,
  QueueIdArgs,
  QueueModel,
  QueueStatisticsModel,
  toOffer,
  toQueue,
} from './webacd.types.js';

/**
 * WebACD over GraphQL: queues (admin), availability and offers (agents), live views with
 * statistics. Each mutation is one line over the table of queue commands (QueueCommands).
 */
@Resolver(() => QueueModel)
export class WebAcdResolver {
  constructor(
    private readonly webacd: WebAcdService,
    private readonly commands: QueueCommands,
    private readonly feed: QueueChangeFeed,
  ) {}

  @Roles('csr', 'supervisor', 'admin')
  @Query(() => [QueueModel], { description: "Every queue; items, offers and agents only of the caller's own queues (supervisors and admins: all)" })
  async queues(@CurrentPrincipal() p: Principal) {
    return (await this.webacd.list(p)).map(toQueue);
  }

  @Roles('csr', 'supervisor', 'admin')
  @Query(() => QueueModel)
  async queue(@CurrentPrincipal() p: Principal, @Args() { queueId }: QueueIdArgs) {
    return toQueue(await this.webacd.details(p, queueId));
  }

  @Roles('csr', 'supervisor', 'admin')
  @Query(() => QueueStatisticsModel, { description: "A queue's live statistics" })
  queueStatistics(@Args() { queueId }: QueueIdArgs) {
    return this.webacd.statistics(queueId);
  }

  @Roles('csr')
  @Query(() => [OfferModel], { description: 'Items offered to the calling agent, across queues' })
  async myOffers(@CurrentPrincipal() p: Principal) {
    return (await this.webacd.offersFor(p.userId)).map(toOffer);
  }

  @Roles('admin')
  @Mutation(() => QueueModel)
  async createQueue(@CurrentPrincipal() p: Principal, @Args() a: CreateQueueArgs) {
    const { queueId, ...outcome } = await this.webacd.createQueue(p, a);
    return toQueue(await this.webacd.answer(p, queueId, outcome));
  }

  @Roles('admin')
  @Mutation(() => QueueModel)
  configureQueue(@CurrentPrincipal() p: Principal, @Args() a: ConfigureQueueArgs) {
    return this.commands.run(p, 'ConfigureQueue', a);
  }

  @Roles('admin')
  @Mutation(() => QueueModel)
  closeQueue(@CurrentPrincipal() p: Principal, @Args() a: QueueIdArgs) {
    return this.commands.run(p, 'CloseQueue', a);
  }

  @Roles('csr', 'admin')
  @Mutation(() => QueueModel, { description: 'Q-1: a WebACD agent makes themself available or away in a queue (an admin may name the agent)' })
  setAgentAvailability(@CurrentPrincipal() p: Principal, @Args() a: AvailabilityArgs) {
    return this.commands.run(p, 'SetAgentAvailability', a);
  }

  @Roles('csr')
  @Mutation(() => SessionModel, { description: 'Q-5: take an offered item; the session is yours' })
  async acceptOffer(@CurrentPrincipal() p: Principal, @Args() { queueId, offerId }: OfferArgs) {
    return toSession(await this.webacd.accept(p, queueId, offerId));
  }

  @Roles('csr')
  @Mutation(() => Boolean)
  declineOffer(@CurrentPrincipal() p: Principal, @Args() a: OfferArgs) {
    return this.commands.run(p, 'DeclineOffer', a);
  }

  @Roles('customer')
  @Mutation(() => Boolean, { description: 'An inbound customer stops waiting' })
  leaveQueue(@CurrentPrincipal() p: Principal, @Args() a: LeaveQueueArgs) {
    return this.commands.run(p, 'LeaveQueue', a);
  }

  @Roles('csr')
  @Subscription(() => [OfferModel], { description: "The calling agent's open offers, each time they change", resolve: (offers: OfferModel[]) => offers })
  myOffersChanged(@CurrentPrincipal() p: Principal): AsyncIterator<OfferModel[]> {
    const changes = this.feed.changes();
    const offersFor = (userId: string) => this.webacd.offersFor(userId);
    return endingWith(
      changes,
      (async function* () {
        try {
          let last = '';
          for await (const _queueId of changes) {
            const offers = (await offersFor(p.userId)).map(toOffer);
            const key = offers.map((o) => o.offerId).join(',');
            if (key !== last) yield offers;
            last = key;
          }
        } finally {
          await changes.return?.();
        }
      })(),
    );
  }

  @Roles('csr', 'supervisor', 'admin')
  @Subscription(() => QueueModel, {
    description: "A queue's live view and statistics, on every change (items and offers for its agents, supervisors and admins)",
    resolve: (queue: QueueModel) => queue,
  })
  async queueChanged(@CurrentPrincipal() p: Principal, @Args() { queueId }: QueueIdArgs): Promise<AsyncIterator<QueueModel>> {
    await this.webacd.current(p, queueId);
    const changes = this.feed.changes((id) => id === queueId);
    const webacd = this.webacd;
    return endingWith(
      changes,
      (async function* () {
        try {
          for await (const id of changes) yield toQueue(await webacd.details(p, id));
        } finally {
          await changes.return?.();
        }
      })(),
    );
  }
}
