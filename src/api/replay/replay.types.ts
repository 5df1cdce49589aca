import { ArgsType, Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Type as Nested } from 'class-transformer';
import { IsDate, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { ChainCheck } from '../../application/command-handling/hash-chain.js';
import { HISTORY_MAX_LIMIT, type PointInTime, type ReplayItem, type SessionReplayItem } from '../../application/replay/replay.service.js';
import { validationError } from '../../domain/shared/domain-error.js';
import { MAX_OFFSET, SessionModel, toSession } from '../sessions/session.types.js';

// ============================================================ input (GraphQL args and REST query alike)

@ArgsType()
export class HistoryPageArgs {
  @Field(() => Int, { defaultValue: 0 }) @IsOptional() @Nested(() => Number) @IsInt() @Min(0) @Max(MAX_OFFSET) offset = 0;
  @Field(() => Int, { defaultValue: 100 }) @IsOptional() @Nested(() => Number) @IsInt() @Min(1) @Max(HISTORY_MAX_LIMIT) limit = 100;
}

@ArgsType()
export class HistoryArgs extends HistoryPageArgs {
  @Field(() => ID, { description: "A session's id (or a live session's number), or a queue's id" }) @IsString() @MinLength(1) @MaxLength(100) id: string;
}

/** Exactly one of the two: a stream version, or an instant (the state after the last event stored by then). */
@ArgsType()
export class PointInTimeArgs {
  @Field(() => Int, { nullable: true }) @IsOptional() @Nested(() => Number) @IsInt() @Min(0) version?: number;
  @Field(() => Date, { nullable: true }) @IsOptional() @Nested(() => Date) @IsDate() at?: Date;
}

@ArgsType()
export class StateAtArgs extends PointInTimeArgs {
  @Field(() => ID) @IsString() @MinLength(1) @MaxLength(100) id: string;
}

export function pointOf({ version, at }: PointInTimeArgs): PointInTime {
  if ((version === undefined || version === null) === (at === undefined || at === null))
    throw validationError('POINT_IN_TIME_REQUIRED', 'version', 'give exactly one of version and at');
  return version !== undefined && version !== null ? { version } : { at: at! };
}

// ============================================================ output

@ObjectType()
export class ChainBreak {
  @Field(() => Int) version: number;
  @Field() id: string;
  @Field() reason: string;
}

@ObjectType({ description: "The stream's hash chain (RPT-2): intact, or where a stored event was changed, removed or reordered" })
export class ChainVerdict {
  @Field() intact: boolean;
  @Field(() => Int) events: number;
  @Field(() => ChainBreak, { nullable: true }) brokenAt: ChainBreak | null;
}

@ObjectType()
export class SessionHistoryEvent {
  @Field(() => Int) version: number;
  @Field() id: string;
  @Field() type: string;
  @Field() at: Date;
  @Field(() => String, { nullable: true }) by: string | null;
  @Field({ description: "The event's data as JSON" }) dataJson: string;
  @Field({ description: 'The folded session state after this event, as JSON' }) stateJson: string;
  @Field(() => SessionModel, { description: 'The session as it stood after this event' }) session: SessionModel;
}

@ObjectType()
export class SessionHistoryPage {
  @Field(() => [SessionHistoryEvent]) items: SessionHistoryEvent[];
  @Field(() => Int) total: number;
  @Field(() => ChainVerdict) chain: ChainVerdict;
}

@ObjectType()
export class SessionStateAtView {
  @Field(() => Int) version: number;
  @Field() at: Date;
  @Field() stateJson: string;
  @Field(() => SessionModel) session: SessionModel;
  @Field(() => ChainVerdict) chain: ChainVerdict;
}

@ObjectType()
export class QueueHistoryEvent {
  @Field(() => Int) version: number;
  @Field() id: string;
  @Field() type: string;
  @Field() at: Date;
  @Field(() => String, { nullable: true }) by: string | null;
  @Field() dataJson: string;
  @Field({ description: 'The folded queue state after this event, as JSON' }) stateJson: string;
}

@ObjectType()
export class QueueHistoryPage {
  @Field(() => [QueueHistoryEvent]) items: QueueHistoryEvent[];
  @Field(() => Int) total: number;
  @Field(() => ChainVerdict) chain: ChainVerdict;
}

@ObjectType()
export class QueueStateAtView {
  @Field(() => Int) version: number;
  @Field() at: Date;
  @Field() stateJson: string;
  @Field(() => ChainVerdict) chain: ChainVerdict;
}

export const toChain = (chain: ChainCheck): ChainVerdict => ({ intact: chain.intact, events: chain.events, brokenAt: chain.intact ? null : { ...chain.brokenAt } });

export const toSessionHistoryEvent = (item: SessionReplayItem): SessionHistoryEvent => ({
  ...toQueueHistoryEvent(item),
  session: toSession(item.view),
});

export const toQueueHistoryEvent = (item: ReplayItem<unknown>): QueueHistoryEvent => ({
  version: item.version,
  id: item.id,
  type: item.type,
  at: item.at,
  by: item.by,
  dataJson: JSON.stringify(item.data),
  stateJson: JSON.stringify(item.state),
});
