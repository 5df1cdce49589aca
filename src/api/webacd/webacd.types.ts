import { own } from '../../domain/shared/own.js';
import { ArgsType, Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, IsUrl, Max, MaxLength, Min, MinLength } from 'class-validator';
import { SafeInt } from '../graphql/safe-int.scalar.js';
import { MaxGraphemes } from '../validation/max-graphemes.js';
import type { QueueView } from '../../application/webacd/webacd.ports.js';
import { estimatedWait, type QueueState } from '../../domain/queue/index.js';

// ============================================================ output

@ObjectType()
export class AgentSlotView {
  @Field() agentId: string;
  @Field() available: boolean;
}

@ObjectType()
export class WaitingItemView {
  @Field() itemId: string;
  @Field() kind: string;
  @Field() enqueuedAt: string;
  @Field(() => String, { nullable: true }) sessionId: string | null;
  @Field(() => String, { nullable: true }) customerName: string | null;
  @Field(() => String, { nullable: true }) message: string | null;
}

@ObjectType()
export class OpenOfferView {
  @Field() offerId: string;
  @Field() itemId: string;
  @Field() agentId: string;
  @Field() expiresAt: string;
}

@ObjectType('Queue')
export class QueueModel {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field() status: string;
  @Field(() => [AgentSlotView]) agents: AgentSlotView[];
  @Field(() => [WaitingItemView]) waiting: WaitingItemView[];
  @Field(() => [OpenOfferView]) offers: OpenOfferView[];
  @Field(() => SafeInt, { nullable: true, description: 'Estimated wait for a request joining now, from recent history (ms)' }) estimatedWaitMs: number | null;
  @Field(() => Int) version: number;
  @Field(() => String, { nullable: true, description: 'On mutation results: a consistency token (see Session.consistencyToken)' }) consistencyToken: string | null;
}

export function toQueue(view: QueueView, now = new Date()): QueueModel {
  const state = view.state as unknown as QueueState;
  const open = state.status === 'open' ? state : null;
  return {
    id: view.id,
    name: view.name,
    status: view.status,
    agents: open ? open.agentIds.map((agentId) => ({ agentId, available: own(open.agents, agentId)?.available ?? false })) : [],
    waiting: open
      ? open.waiting.map((item) => ({
          itemId: item.itemId,
          kind: item.kind,
          enqueuedAt: item.enqueuedAt,
          sessionId: item.kind === 'hand_over' ? item.sessionId : null,
          customerName: item.kind === 'inbound' ? item.customer.name : null,
          message: item.kind === 'hand_over' ? item.message : null,
        }))
      : [],
    offers: open ? open.offers.map(({ offerId, itemId, agentId, expiresAt }) => ({ offerId, itemId, agentId, expiresAt })) : [],
    estimatedWaitMs: open ? estimatedWait(state, now) : null,
    version: view.version,
    consistencyToken: view.consistencyToken ?? null,
  };
}

@ObjectType('Offer', { description: 'A waiting item offered to the calling agent (Q-5)' })
export class OfferModel {
  @Field() offerId: string;
  @Field() queueId: string;
  @Field() queueName: string;
  @Field() itemId: string;
  @Field() kind: string;
  @Field() expiresAt: string;
  @Field(() => String, { nullable: true }) sessionId: string | null;
  @Field(() => String, { nullable: true, description: "The giver's personal message (Q-3)" }) message: string | null;
  @Field(() => String, { nullable: true }) customerName: string | null;
  @Field(() => String, { nullable: true }) problem: string | null;
  @Field(() => String, { nullable: true, description: 'The page the customer asked for help from (SHR-3)' }) originUrl: string | null;
}

// The item carries what the agent needs to decide; the offer adds when it lapses.
export function toOffer(entry: { queueId: string; queueName: string; offer: { offerId: string; itemId: string; expiresAt: string }; item?: any }): OfferModel {
  const item = entry.item;
  return {
    offerId: entry.offer.offerId,
    queueId: entry.queueId,
    queueName: entry.queueName,
    itemId: entry.offer.itemId,
    kind: item?.kind ?? 'unknown',
    expiresAt: entry.offer.expiresAt,
    sessionId: item?.kind === 'hand_over' ? item.sessionId : null,
    message: item?.kind === 'hand_over' ? item.message : null,
    customerName: item?.kind === 'inbound' ? item.customer.name : null,
    problem: item?.kind === 'inbound' ? item.problem : null,
    originUrl: item?.kind === 'inbound' ? item.originUrl : null,
  };
}

@ObjectType('InboundTicket', { description: "A customer's place in a queue, with the token to follow it (SES-2)" })
export class InboundTicket {
  @ApiProperty() @Field() itemId: string;
  @ApiProperty() @Field() customerId: string;
  @ApiProperty({ description: 'Bearer token with the customer role, valid 4 hours' }) @Field() token: string;
  @ApiProperty() @Field(() => Int) position: number;
  @ApiPropertyOptional({ type: Number, nullable: true }) @Field(() => SafeInt, { nullable: true }) estimatedWaitMs: number | null;
}

// ============================================================ input (GraphQL args and REST bodies alike)

const AGENT_ID = 200;

@ArgsType()
@InputType('CreateQueueInput')
export class CreateQueueArgs {
  @ApiPropertyOptional() @Field({ nullable: true }) @IsOptional() @IsString() @MinLength(1) @MaxLength(100) queueId?: string;
  @ApiProperty() @Field() @IsString() @MinLength(1) @MaxGraphemes(200) name: string;
  @ApiProperty({ type: [String] }) @Field(() => [String]) @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) @MaxLength(AGENT_ID, { each: true }) agentIds: string[];
  @ApiProperty({ description: 'How long an agent has to answer an offer (5 s to 10 min)' }) @Field(() => Int) @IsInt() @Min(5000) @Max(600_000) offerTimeoutMs: number;
  @ApiPropertyOptional({ enum: ['longest_idle'] }) @Field({ nullable: true }) @IsOptional() @IsIn(['longest_idle']) routing?: 'longest_idle';
}

@ArgsType()
export class QueueIdArgs {
  @Field(() => ID) @IsString() @MinLength(1) @MaxLength(100) queueId: string;
}

@ArgsType()
@InputType('ConfigureQueueInput')
export class ConfigureQueueArgs {
  @ApiPropertyOptional() @Field({ nullable: true }) @IsOptional() @IsString() @MinLength(1) @MaxGraphemes(200) name?: string;
  @ApiPropertyOptional({ type: [String] }) @Field(() => [String], { nullable: true }) @IsOptional() @IsArray() @IsString({ each: true }) addAgentIds?: string[];
  @ApiPropertyOptional({ type: [String] }) @Field(() => [String], { nullable: true }) @IsOptional() @IsArray() @IsString({ each: true }) removeAgentIds?: string[];
  @ApiPropertyOptional() @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(5000) @Max(600_000) offerTimeoutMs?: number;
}

/** GraphQL's configureQueue: the queue and its changes in one argument set (one @Args, one validation). */
@ArgsType()
export class ConfigureQueueMutationArgs extends ConfigureQueueArgs {
  @Field(() => ID) @IsString() @MinLength(1) @MaxLength(100) queueId: string;
}

/** GraphQL's leaveQueue: the customer's item in a queue. */
@ArgsType()
export class LeaveQueueArgs extends QueueIdArgs {
  @Field(() => ID) @IsString() @MinLength(1) @MaxLength(100) itemId: string;
}

@ArgsType()
export class AvailabilityArgs extends QueueIdArgs {
  @ApiProperty() @Field() @IsBoolean() available: boolean;
}

@ArgsType()
export class OfferArgs extends QueueIdArgs {
  @Field() @IsString() @MinLength(1) @MaxLength(400) offerId: string;
}

export class AvailabilityBody {
  @ApiProperty() @IsBoolean() available: boolean;
}

export class InboundRequestBody {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(100) queueId: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxGraphemes(200) name: string;
  @ApiProperty() @IsEmail() @MaxLength(320) email: string;
  @ApiProperty({ description: 'What the customer needs help with (at most 2,000 characters)' }) @IsString() @MinLength(1) @MaxGraphemes(2000) problem: string;
  @ApiProperty({ description: 'The page the customer came from; co-browsing starts there (SHR-3)' })
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'], require_tld: false })
  @MaxLength(2000)
  originUrl: string;
}

@ArgsType()
@InputType('SiteSettingsInput')
export class SiteSettingsArgs {
  @ApiPropertyOptional() @Field({ nullable: true }) @IsOptional() @IsBoolean() webacdEnabled?: boolean;
  @ApiPropertyOptional() @Field({ nullable: true }) @IsOptional() @IsBoolean() coBrowsingEnabled?: boolean;
  @ApiPropertyOptional() @Field({ nullable: true }) @IsOptional() @IsBoolean() autoRecord?: boolean;
  @ApiPropertyOptional() @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(50) maxCustomers?: number;
  @ApiPropertyOptional() @Field({ nullable: true }) @IsOptional() @IsBoolean() multiSessionAllowed?: boolean;
  @ApiPropertyOptional({ description: 'Days recordings are kept (ADM-1), 1..3650' }) @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(3650) recordingRetentionDays?: number;
  @ApiPropertyOptional({ description: 'Days files are kept (ADM-1), 1..3650' }) @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(3650) fileRetentionDays?: number;
}

@ArgsType()
@InputType('UserSettingsInput')
export class UserSettingsArgs {
  @ApiProperty() @Field() @IsString() @MinLength(1) @MaxLength(AGENT_ID) userId: string;
  @ApiPropertyOptional() @Field({ nullable: true }) @IsOptional() @IsBoolean() multiSession?: boolean;
  @ApiPropertyOptional() @Field({ nullable: true }) @IsOptional() @IsBoolean() webacdAgent?: boolean;
  @ApiPropertyOptional({ enum: ['dashboard', 'compact', 'multi_session'] }) @Field({ nullable: true }) @IsOptional() @IsIn(['dashboard', 'compact', 'multi_session']) consoleType?: 'dashboard' | 'compact' | 'multi_session';
}
