import { ArgsType, Field, Float, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, IsUrl, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { SafeInt } from '../graphql/safe-int.scalar.js';
import { MaxGraphemes } from '../validation/max-graphemes.js';
import type { QueueOfferView } from '../../application/webacd/webacd.ports.js';
import { LISTED_ITEMS, type QueueDetails } from '../../application/webacd/webacd.service.js';

// ============================================================ output

@ObjectType()
export class AgentSlotView {
  @Field() agentId: string;
  @Field() available: boolean;
  @Field({ description: 'Since when the agent is idle (longest-idle routing, RT-1)' }) idleSince: string;
}

@ObjectType('RequiredSkill')
@InputType('RequiredSkillInput')
export class RequiredSkillView {
  @ApiProperty() @Field() @IsString() @MinLength(1) @MaxLength(50) skill: string;
  @ApiProperty({ minimum: 1, maximum: 10 }) @Field(() => Int) @IsInt() @Min(1) @Max(10) minLevel: number;
}

@ObjectType('QueueTopic')
@InputType('QueueTopicInput')
export class QueueTopicView {
  @ApiProperty() @Field() @IsString() @MinLength(1) @MaxLength(100) topic: string;
  @ApiProperty({ type: [RequiredSkillView] })
  @Field(() => [RequiredSkillView])
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => RequiredSkillView)
  requiredSkills: RequiredSkillView[];
}

@ObjectType()
export class WaitingItemView {
  @Field() itemId: string;
  @Field() kind: string;
  @Field() enqueuedAt: string;
  @Field(() => String, { nullable: true }) sessionId: string | null;
  @Field(() => String, { nullable: true }) customerName: string | null;
  @Field(() => String, { nullable: true }) message: string | null;
  @Field(() => String, { nullable: true }) topic: string | null;
  @Field(() => [RequiredSkillView]) requiredSkills: RequiredSkillView[];
  @Field({ description: 'RT-4: false when no agent of the queue holds every skill the item needs' }) servable: boolean;
}

@ObjectType()
export class OpenOfferView {
  @Field() offerId: string;
  @Field() itemId: string;
  @Field() agentId: string;
  @Field() expiresAt: string;
}

@ObjectType('QueueStatistics', { description: 'Live figures of a queue; the window ones cover the last WEBACD_STATS_WINDOW_MS' })
export class QueueStatisticsModel {
  @ApiProperty() @Field(() => Int) waiting: number;
  @ApiPropertyOptional({ type: Number, nullable: true }) @Field(() => Float, { nullable: true }) longestWaitMs: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) @Field(() => Float, { nullable: true }) estimatedWaitMs: number | null;
  @ApiProperty() @Field(() => Int, { description: 'Available with no open offer and no live session' }) agentsAvailable: number;
  @ApiProperty() @Field(() => Int, { description: 'Available, with an open offer or a live session' }) agentsBusy: number;
  @ApiProperty() @Field(() => Int) agentsAway: number;
  @ApiProperty() @Field(() => Int) offersOutstanding: number;
  @ApiProperty() @Field(() => Int, { description: 'RT-4: waiting items no agent of the queue has the skills for' }) unservable: number;
  @ApiProperty() @Field(() => Float) windowMs: number;
  @ApiProperty() @Field(() => Int) serviceLevelThresholdMs: number;
  @ApiProperty() @Field(() => Int) answered: number;
  @ApiProperty() @Field(() => Int) abandoned: number;
  @ApiPropertyOptional({ type: Number, nullable: true })
  @Field(() => Float, { nullable: true, description: 'answered within the threshold / (answered + abandoned)' })
  serviceLevel: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) @Field(() => Float, { nullable: true }) averageSpeedOfAnswerMs: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) @Field(() => Float, { nullable: true, description: 'abandoned / (answered + abandoned)' }) abandonmentRate: number | null;
}

@ObjectType('Queue', { description: "A queue's items, offers and agents are shown to its agents, supervisors and admins only; others see its name and statistics" })
export class QueueModel {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field() status: string;
  @Field(() => [AgentSlotView], { nullable: true }) agents: AgentSlotView[] | null;
  @Field(() => [WaitingItemView], { nullable: true, description: `The first ${LISTED_ITEMS} waiting items, first in first out` }) waiting: WaitingItemView[] | null;
  @Field(() => [OpenOfferView], { nullable: true }) offers: OpenOfferView[] | null;
  @Field(() => [QueueTopicView], { nullable: true }) topics: QueueTopicView[] | null;
  @Field(() => SafeInt, { nullable: true, description: 'Estimated wait for a request joining now, from recent history (ms)' }) estimatedWaitMs: number | null;
  @Field(() => QueueStatisticsModel) statistics: QueueStatisticsModel;
  @Field(() => Int) version: number;
  @Field(() => String, { nullable: true, description: 'On mutation results: a consistency token (see Session.consistencyToken)' }) consistencyToken: string | null;
}

export function toQueue({ queue, statistics, items, offers }: QueueDetails): QueueModel {
  const inspect = items !== null;
  return {
    id: queue.id,
    name: queue.name,
    status: queue.status,
    agents: inspect ? queue.agents.map((a) => ({ ...a })) : null,
    waiting:
      items?.map((item) => ({
        itemId: item.itemId,
        kind: item.kind,
        enqueuedAt: item.enqueuedAt.toISOString(),
        sessionId: item.kind === 'hand_over' ? item.sessionId : null,
        customerName: item.customerName,
        message: item.message,
        topic: item.topic,
        requiredSkills: [...item.requiredSkills],
        servable: item.servable,
      })) ?? null,
    offers: offers?.map((o) => ({ offerId: o.offerId, itemId: o.itemId, agentId: o.agentId, expiresAt: o.expiresAt.toISOString() })) ?? null,
    topics: inspect ? queue.topics.map((t) => ({ topic: t.topic, requiredSkills: [...t.requiredSkills] })) : null,
    estimatedWaitMs: statistics.estimatedWaitMs,
    statistics,
    version: queue.version,
    consistencyToken: queue.consistencyToken ?? null,
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
  @Field(() => String, { nullable: true }) topic: string | null;
}

// The item carries what the agent needs to decide; the offer adds when it lapses.
export function toOffer(offer: QueueOfferView): OfferModel {
  const item = offer.item;
  return {
    offerId: offer.offerId,
    queueId: offer.queueId,
    queueName: offer.queueName,
    itemId: offer.itemId,
    kind: item?.kind ?? 'unknown',
    expiresAt: offer.expiresAt.toISOString(),
    sessionId: item?.kind === 'hand_over' ? item.sessionId : null,
    message: item?.kind === 'hand_over' ? item.message : null,
    customerName: item?.kind === 'inbound' ? item.customerName : null,
    problem: item?.kind === 'inbound' ? item.problem : null,
    originUrl: item?.kind === 'inbound' ? item.originUrl : null,
    topic: item?.topic ?? null,
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
  @ApiPropertyOptional({ type: [QueueTopicView], description: 'Help-form topics and the skills each needs (RT-3)' })
  @Field(() => [QueueTopicView], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => QueueTopicView)
  topics?: QueueTopicView[];
  @ApiPropertyOptional({ description: 'Service level threshold, ms (1 s to 1 h; default 20 s)' })
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  serviceLevelThresholdMs?: number;
}

/** Every queue command's arguments name the queue (GraphQL) or take it from the path (REST). */
@ArgsType()
export class QueueIdArgs {
  @Field(() => ID) @IsString() @MinLength(1) @MaxLength(100) queueId: string;
}

@ArgsType()
@InputType('ConfigureQueueInput')
export class ConfigureQueueArgs extends QueueIdArgs {
  @ApiPropertyOptional() @Field({ nullable: true }) @IsOptional() @IsString() @MinLength(1) @MaxGraphemes(200) name?: string;
  @ApiPropertyOptional({ type: [String] })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(AGENT_ID, { each: true })
  addAgentIds?: string[];
  @ApiPropertyOptional({ type: [String] })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(AGENT_ID, { each: true })
  removeAgentIds?: string[];
  @ApiPropertyOptional() @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(5000) @Max(600_000) offerTimeoutMs?: number;
  @ApiPropertyOptional({ type: [QueueTopicView] })
  @Field(() => [QueueTopicView], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => QueueTopicView)
  topics?: QueueTopicView[];
  @ApiPropertyOptional() @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1000) @Max(3_600_000) serviceLevelThresholdMs?: number;
}

@ArgsType()
export class AvailabilityArgs extends QueueIdArgs {
  @ApiProperty() @Field() @IsBoolean() available: boolean;
  @ApiPropertyOptional({ description: 'An admin sets another agent; default: the caller' })
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(AGENT_ID)
  agentId?: string;
}

@ArgsType()
export class OfferArgs extends QueueIdArgs {
  @Field() @IsString() @MinLength(1) @MaxLength(400) offerId: string;
}

@ArgsType()
export class LeaveQueueArgs extends QueueIdArgs {
  @Field(() => ID) @IsString() @MinLength(1) @MaxLength(400) itemId: string;
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
  @ApiPropertyOptional({ description: "One of the queue's help-form topics; its skills are asked of the agent (RT-3)" })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  topic?: string;
}

@ArgsType()
@InputType('SiteSettingsInput')
export class SiteSettingsArgs {
  @ApiPropertyOptional() @Field({ nullable: true }) @IsOptional() @IsBoolean() webacdEnabled?: boolean;
  @ApiPropertyOptional() @Field({ nullable: true }) @IsOptional() @IsBoolean() coBrowsingEnabled?: boolean;
  @ApiPropertyOptional() @Field({ nullable: true }) @IsOptional() @IsBoolean() autoRecord?: boolean;
  @ApiPropertyOptional() @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(50) maxCustomers?: number;
  @ApiPropertyOptional() @Field({ nullable: true }) @IsOptional() @IsBoolean() multiSessionAllowed?: boolean;
  @ApiPropertyOptional({ description: 'Days recordings are kept (ADM-1), 1..3650' })
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  recordingRetentionDays?: number;
  @ApiPropertyOptional({ description: 'Days files are kept (ADM-1), 1..3650' })
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  fileRetentionDays?: number;
}

@ObjectType('AgentSkill')
@InputType('AgentSkillInput')
export class AgentSkillInput {
  @ApiProperty() @Field() @IsString() @MinLength(1) @MaxLength(50) skill: string;
  @ApiProperty({ minimum: 1, maximum: 10 }) @Field(() => Int) @IsInt() @Min(1) @Max(10) level: number;
}

@ArgsType()
@InputType('UserSettingsInput')
export class UserSettingsArgs {
  @ApiProperty() @Field() @IsString() @MinLength(1) @MaxLength(AGENT_ID) userId: string;
  @ApiPropertyOptional() @Field({ nullable: true }) @IsOptional() @IsBoolean() multiSession?: boolean;
  @ApiPropertyOptional() @Field({ nullable: true }) @IsOptional() @IsBoolean() webacdAgent?: boolean;
  @ApiPropertyOptional({ enum: ['dashboard', 'compact', 'multi_session'] }) @Field({ nullable: true }) @IsOptional() @IsIn(['dashboard', 'compact', 'multi_session']) consoleType?:
    'dashboard' | 'compact' | 'multi_session';
  @ApiPropertyOptional({ type: () => [AgentSkillInput], description: 'WebACD skills and levels (RT-3); replaces the list' })
  @Field(() => [AgentSkillInput], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => AgentSkillInput)
  skills?: AgentSkillInput[];
}
