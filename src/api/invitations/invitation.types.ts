import { Field, ID, ObjectType } from '@nestjs/graphql';
import type { InvitationMessage } from '../../application/invitations/invitation-message.js';
import type { InvitationRecord } from '../../application/invitations/invitation.ports.js';
import { ChannelValue, DeliveryValue, InviteeValue } from '../sessions/session.types.js';

/**
 * What the CSR passes on for one invitation (INV-1..3). Fields per channel: email -> delivery,
 * subject, body, mailto (own mail program only); phone -> sessionNumber, sessionNumberSpoken,
 * siteUrl, script; instant_message -> text. Every channel has the joinLink (INV-3).
 */
@ObjectType('InvitationMessage')
export class InvitationMessageModel {
  @Field(() => ID) sessionId: string;
  @Field(() => ID) invitationId: string;
  @Field(() => InviteeValue) invitee: string;
  @Field(() => ChannelValue) channel: string;
  @Field(() => String, { nullable: true }) address: string | null;
  @Field({ description: 'INV-3: every invitation carries the link to the session' }) joinLink: string;
  @Field(() => DeliveryValue, { nullable: true }) delivery: string | null;
  @Field(() => String, { nullable: true }) subject: string | null;
  @Field(() => String, { nullable: true }) body: string | null;
  @Field(() => String, { nullable: true, description: "INV-2: RFC 6068 mailto: link that opens the mail in the CSR's own mail program" }) mailto: string | null;
  @Field(() => String, { nullable: true, description: 'Phone: "123 456 789"' }) sessionNumber: string | null;
  @Field(() => String, { nullable: true, description: 'Phone: "1 2 3, 4 5 6, 7 8 9"' }) sessionNumberSpoken: string | null;
  @Field(() => String, { nullable: true }) siteUrl: string | null;
  @Field(() => String, { nullable: true, description: 'Phone: what to say' }) script: string | null;
  @Field(() => String, { nullable: true, description: 'Instant message: the text to paste' }) text: string | null;
}

export function toInvitationMessage(m: InvitationMessage): InvitationMessageModel {
  const none = { delivery: null, subject: null, body: null, mailto: null, sessionNumber: null, sessionNumberSpoken: null, siteUrl: null, script: null, text: null };
  return { ...none, ...m };
}

/** One invitation of a session (INV-1..3), as the consoles list it, with what became of it. */
@ObjectType('SessionInvitation')
export class SessionInvitationModel {
  @Field(() => ID) invitationId: string;
  @Field(() => InviteeValue) invitee: string;
  @Field(() => ChannelValue) channel: string;
  @Field(() => DeliveryValue, { nullable: true, description: 'Email only' }) delivery: string | null;
  @Field(() => String, { nullable: true, description: 'Email address, phone number or instant-message handle, when given' }) address: string | null;
  @Field({ description: 'INV-3: the join link (without any single-use token)' }) joinLink: string;
  @Field({ description: 'The CSR who sent it' }) sentBy: string;
  @Field() sentAt: Date;
  @Field(() => Date, { nullable: true, description: "When the system's mail left (email sent by the system); null before and for every other kind" }) mailedAt: Date | null;
  @Field(() => Date, { nullable: true, description: "INV-3: when the mailed link's single-use token was exchanged for a session credential" }) redeemedAt: Date | null;
}

export function toSessionInvitation(r: InvitationRecord): SessionInvitationModel {
  return {
    invitationId: r.invitationId,
    invitee: r.invitee,
    channel: r.channel,
    delivery: r.delivery,
    address: r.address,
    joinLink: r.joinLink,
    sentBy: r.sentBy,
    sentAt: r.sentAt,
    mailedAt: r.mailedAt,
    redeemedAt: r.redeemedAt,
  };
}
