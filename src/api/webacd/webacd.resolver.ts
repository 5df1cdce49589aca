import { Args, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import type { Principal } from '../../application/identity/principal.js';
import { endingWith, QueueChangeFeed } from '../../application/projections/change-feed.js';
import { WebAcdService } from '../../application/webacd/webacd.service.js';
import { notFound } from '../../domain/shared/domain-error.js';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators.js';
import { toSession, SessionModel } from '../sessions/session.types.js';
import { AvailabilityArgs, ConfigureQueueMutationArgs, CreateQueueArgs, LeaveQueueArgs, OfferArgs, OfferModel, QueueIdArgs, QueueModel, toOffer, toQueue } from './webacd.types.js';

/** WebACD over GraphQL: queues (admin), availability and offers (agents), live views. */
@Resolver(() => QueueModel)
export class WebAcdResolver {
  constructor(
    private readonly webacd: WebAcdService,
    private readonly feed: QueueChangeFeed,
  ) {}

  @Roles('csr', 'supervisor', 'admin')
  @Query(() => [QueueModel])
  async queues() {
    return (await this.webacd.list()).map((q) => toQueue(q));
  }

  @Roles('csr', 'supervisor', 'admin')
  @Query(() => QueueModel)
  async queue(@Args() { queueId }: QueueIdArgs) {
    return toQueue(await this.found(queueId));
  }

  @Roles('csr')
  @Query(() => [OfferModel], { description: 'Items offered to the calling agent, across queues' })
  async myOffers(@CurrentPrincipal() p: Principal) {
    return (await this.webacd.offersFor(p.userId)).map(toOffer);
  }

  @Roles('admin')
  @Mutation(() => QueueModel)
  async createQueue(@CurrentPrincipal() p: Principal, @Args() a: CreateQueueArgs) {
    const { view } = await this.webacd.createQueue(p, a);
    return toQueue(view);
  }

  @Roles('admin')
  @Mutation(() => QueueModel)
  async configureQueue(@CurrentPrincipal() p: Principal, @Args() { queueId, ...changes }: ConfigureQueueMutationArgs) {
    const { view } = await this.webacd.configureQueue(p, queueId, changes);
    return toQueue(view);
  }

  @Roles('admin')
  @Mutation(() => QueueModel)
  async closeQueue(@CurrentPrincipal() p: Principal, @Args() { queueId }: QueueIdArgs) {
    const { view } = await this.webacd.closeQueue(p, queueId);
    return toQueue(view);
  }

  @Roles('csr', 'admin')
  @Mutation(() => QueueModel, { description: 'Q-1: a WebACD agent makes themself available or away in a queue' })
  async setAgentAvailability(@CurrentPrincipal() p: Principal, @Args() { queueId, available }: AvailabilityArgs) {
    const { view } = await this.webacd.setAvailability(p, queueId, available);
    return toQueue(view);
  }

  @Roles('csr')
  @Mutation(() => SessionModel, { description: 'Q-5: take an offered item; the session is yours' })
  async acceptOffer(@CurrentPrincipal() p: Principal, @Args() { queueId, offerId }: OfferArgs) {
    return toSession(await this.webacd.accept(p, queueId, offerId));
  }

  @Roles('csr')
  @Mutation(() => Boolean)
  async declineOffer(@CurrentPrincipal() p: Principal, @Args() { queueId, offerId }: OfferArgs) {
    await this.webacd.decline(p, queueId, offerId);
    return true;
  }

  @Roles('customer')
  @Mutation(() => Boolean, { description: 'An inbound customer stops waiting' })
  async leaveQueue(@CurrentPrincipal() p: Principal, @Args() { queueId, itemId }: LeaveQueueArgs) {
    await this.webacd.leaveQueue(p, queueId, itemId);
    return true;
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
  @Subscription(() => QueueModel, { description: "A queue's live view", resolve: (queue: QueueModel) => queue })
  async queueChanged(@Args() { queueId }: QueueIdArgs): Promise<AsyncIterator<QueueModel>> {
    await this.found(queueId);
    const changes = this.feed.changes((id) => id === queueId);
    const found = (id: string) => this.found(id);
    return endingWith(
      changes,
      (async function* () {
        try {
          for await (const id of changes) yield toQueue(await found(id));
        } finally {
          await changes.return?.();
        }
      })(),
    );
  }

  private async found(queueId: string) {
    const queue = await this.webacd.queue(queueId);
    if (!queue) throw notFound('QUEUE_NOT_FOUND', `no queue ${queueId}`);
    return queue;
  }
}
