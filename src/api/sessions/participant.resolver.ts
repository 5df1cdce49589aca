import { Inject } from '@nestjs/common';
import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { PEOPLE, type People } from '../../application/identity/people.port.js';
import { Participant } from './session.types.js';

/**
 * A participant's display name: the one they joined with (customers, helpers), else the name
 * their token gave (CSRs who started or took the session), else null.
 */
@Resolver(() => Participant)
export class ParticipantResolver {
  constructor(@Inject(PEOPLE) private readonly people: People) {}

  @ResolveField(() => String, { nullable: true })
  async displayName(@Parent() participant: Participant): Promise<string | null> {
    if (participant.displayName) return participant.displayName;
    return (await this.people.names([participant.userId])).get(participant.userId) ?? null;
  }
}
