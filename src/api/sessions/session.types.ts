import type { Type } from '@nestjs/common';
import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type as Nested } from 'class-transformer';
import { MinLength, ArrayMaxSize, IsArray, IsBoolean, IsDate, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { SafeInt } from '../graphql/safe-int.scalar.js';
import { MaxGraphemes } from '../validation/max-graphemes.js';
import type { SessionView } from '../../application/sessions/session-read.port.js';
import type { Activities, Customer, MailedInvitation, SessionCommandType, SessionState } from '../../domain/session/index.js';

/** The largest page offset: GraphQL's Int, and so within PostgreSQL's bigint over REST too (a larger one was a 500). */
export const MAX_OFFSET = 2_147_483_647;

// ============================================================ enums (plain strings on the wire)

const values = <T extends string>(...v: T[]) => Object.fromEntries(v.map((x) => [x, x])) as { [K in T]: K };

export const SessionKindValue = values('outbound', 'inbound');
export const JoinPlaceValue = values('customer', 'helper');
export const ShareKindValue = values('desktop', 'application', 'cobrowse');
export const ShareModeValue = values('view', 'control', 'share_view', 'share_control');
export const DisplayModeValue = values('standard', 'screen_sampling');
export const InviteeValue = values('customer', 'csr');
export const ChannelValue = values('email', 'phone', 'instant_message');
export const DeliveryValue = values('system', 'own_mail_program');
registerEnumType(SessionKindValue, { name: 'SessionKind' });
registerEnumType(JoinPlaceValue, { name: 'JoinPlace' });
registerEnumType(ShareKindValue, { name: 'ShareKind' });
registerEnumType(ShareModeValue, { name: 'ShareMode' });
registerEnumType(DisplayModeValue, { name: 'DisplayMode' });
registerEnumType(InviteeValue, { name: 'Invitee' });
registerEnumType(ChannelValue, { name: 'InvitationChannel' });
registerEnumType(DeliveryValue, { name: 'EmailDelivery' });

// ============================================================ output

@ObjectType()
export class Participant {
  @Field() userId: string;
  @Field({ description: 'controller, helper, observer or customer' }) place: string;
  @Field(() => String, { nullable: true }) displayName: string | null;
}

@ObjectType()
export class ShareView {
  @Field() shareId: string;
  @Field() kind: string;
  @Field() mode: string;
  @Field() customerId: string;
  @Field() status: string;
  @Field(() => String, { nullable: true }) applicationName: string | null;
}

@ObjectType()
export class VideoView {
  @Field() videoId: string;
}

@ObjectType()
export class VoiceCallView {
  @Field() callId: string;
  @Field() hostId: string;
  @Field() withUserId: string;
}

@ObjectType()
export class RecordingView {
  @Field() recordingId: string;
  @Field() automatic: boolean;
}

@ObjectType()
export class FileTransferView {
  @Field() transferId: string;
  @Field() customerId: string;
  @Field({ description: 'requested, then approved by the customer (TL-4)' }) status: string;
}

@ObjectType()
export class ActivitiesView {
  @Field(() => [ShareView]) shares: ShareView[];
  @Field(() => [FileTransferView]) fileTransfers: FileTransferView[];
  @Field() chatOpen: boolean;
  @Field(() => VideoView, { nullable: true }) video: VideoView | null;
  @Field(() => VoiceCallView, { nullable: true }) voiceCall: VoiceCallView | null;
  @Field(() => RecordingView, { nullable: true }) recording: RecordingView | null;
}

@ObjectType({ description: 'INV-1: a system-sent email invitation the mail server refused for good' })
export class UndeliveredInvitation {
  @Field() invitationId: string;
  @Field() address: string;
  @Field({ description: "The mail server's answer" }) reason: string;
  @Field() at: Date;
}

@ObjectType('Session')
export class SessionModel {
  @Field(() => ID) id: string;
  @Field() number: string;
  @Field() status: string;
  @Field() kind: string;
  @Field(() => String, { nullable: true }) mode: string | null;
  @Field(() => String, { nullable: true }) controllerId: string | null;
  @Field(() => [Participant]) participants: Participant[];
  @Field(() => String, { nullable: true }) activeCustomerId: string | null;
  @Field(() => String, { nullable: true, description: "OPT-1: 'standard' or 'screen_sampling'; the consoles set the shared track's encoder from it. Null once ended." })
  displayMode: string | null;
  @Field(() => ActivitiesView, { nullable: true, description: 'null once the session has ended' }) activities: ActivitiesView | null;
  @Field(() => String, { nullable: true }) joinLink: string | null;
  @Field(() => String, { nullable: true, description: 'Inbound: the page the customer asked for help from; co-browsing starts there (SHR-3)' }) originUrl: string | null;
  @Field() startedAt: Date;
  @Field(() => Date, { nullable: true }) endedAt: Date | null;
  @Field(() => String, { nullable: true, description: "Why it ended: 'ended_by_csr' or 'console_lost' (SES-5)" }) endReason: string | null;
  @Field(() => Int) version: number;
  @Field(() => String, {
    nullable: true,
    description: 'On mutation results: a consistency token. Pass it as `after` to a query to see at least this state (the query waits, bounded, for the read model).',
  })
  consistencyToken: string | null;
  /** Read by the `undeliveredInvitations` field resolver, which shows it to CSRs, supervisors and admins only. */
  mailedInvitations?: readonly MailedInvitation[];
}

@ObjectType()
export class SessionPage {
  @Field(() => [SessionModel]) items: SessionModel[];
  @Field(() => Int) total: number;
}

/** SessionView -> Session. An ended session's state is lean: no participants, no activities. */
export function toSession(view: SessionView): SessionModel {
  const state = view.state as unknown as SessionState;
  const live = state.status === 'active' || state.status === 'queued' ? state : null;
  const participants: Participant[] = live
    ? [
        ...Object.entries(live.csrs).map(([userId, place]) => ({ userId, place, displayName: null })),
        ...live.customers.map((c: Customer) => ({ userId: c.customerId, place: 'customer', displayName: c.displayName })),
      ]
    : [];
  return {
    id: view.id,
    number: view.number,
    status: view.status,
    kind: view.kind,
    mode: view.mode,
    controllerId: view.controllerId,
    participants,
    activeCustomerId: live?.activeCustomerId ?? null,
    displayMode: live?.displayMode ?? null,
    activities: live ? toActivities(live.activities) : null,
    joinLink: live?.joinLink ?? null,
    originUrl: live?.originUrl ?? null,
    startedAt: view.startedAt,
    endedAt: view.endedAt,
    endReason: state.status === 'ended' ? state.reason : null,
    version: view.version,
    consistencyToken: view.consistencyToken ?? null,
    mailedInvitations: live?.mailedInvitations ?? [],
  };
}

function toActivities(a: Activities): ActivitiesView {
  return {
    shares: a.shares.map(({ shareId, kind, mode, customerId, status, applicationName }) => ({ shareId, kind, mode, customerId, status, applicationName })),
    fileTransfers: a.fileTransfers.map(({ transferId, customerId, status }) => ({ transferId, customerId, status })),
    chatOpen: a.chatOpen,
    video: a.video && { videoId: a.video.videoId },
    voiceCall: a.voiceCall && { ...a.voiceCall },
    recording: a.recording && { ...a.recording },
  };
}

// ============================================================ input (GraphQL args and REST bodies alike)

const USER_ID = 200;

@InputType()
export class InvitationInput {
  @Field({ nullable: true }) @IsOptional() @IsUUID() invitationId?: string;
  @Field(() => InviteeValue) @IsIn(Object.values(InviteeValue)) invitee: 'customer' | 'csr';
  @Field(() => ChannelValue) @IsIn(Object.values(ChannelValue)) channel: 'email' | 'phone' | 'instant_message';
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(320) address?: string;
  @Field(() => DeliveryValue, { nullable: true }) @IsOptional() @IsIn(Object.values(DeliveryValue)) delivery?: 'system' | 'own_mail_program';
}

@InputType()
export class CustomerInput {
  @Field() @IsString() @MaxLength(USER_ID) customerId: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxGraphemes(200) displayName?: string;
}

/** A client-chosen id makes a retry harmless: the same id does nothing new. */
@ArgsType()
export class CommandIdArgs {
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(100) commandId?: string;
}

@ArgsType()
export class StartSessionArgs extends CommandIdArgs {
  @Field(() => SessionKindValue, { defaultValue: 'outbound' }) @IsOptional() @IsIn(Object.values(SessionKindValue)) kind?: 'outbound' | 'inbound';
  @Field(() => [InvitationInput], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Nested(() => InvitationInput)
  invitations?: InvitationInput[];
  @Field(() => CustomerInput, { nullable: true }) @IsOptional() @ValidateNested() @Nested(() => CustomerInput) customer?: CustomerInput;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(2000) originUrl?: string;
}

@ArgsType()
export class JoinSessionArgs extends CommandIdArgs {
  @Field() @IsString() @Matches(/^[\d\s-]{9,15}$/, { message: 'number must be nine digits (spaces and dashes allowed)' }) number: string;
  @Field(() => JoinPlaceValue) @IsIn(Object.values(JoinPlaceValue)) as: 'customer' | 'helper';
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxGraphemes(200) displayName?: string;
}

/** The consistency token a mutation returned: the query waits until the read model has reached it. */
const CONSISTENCY_TOKEN = /^(start|\d{1,20}[:/]\d{1,20})$/;

@ArgsType()
export class AfterArgs {
  @Field({
    nullable: true,
    description: 'A consistency token from a mutation result: answer only once the read model shows that mutation (waits up to 5 s, else READ_MODEL_BEHIND)',
  })
  @IsOptional()
  @IsString()
  @Matches(CONSISTENCY_TOKEN, { message: 'after must be a consistency token returned by a mutation' })
  after?: string;
}

@ArgsType()
export class SessionQueryArgs extends AfterArgs {
  @Field(() => ID) @IsUUID() id: string;
}

@ArgsType()
export class SessionByNumberArgs extends AfterArgs {
  @Field() @IsString() @MaxLength(20) number: string;
}

@ArgsType()
export class ListSessionsArgs extends AfterArgs {
  @Field({ nullable: true }) @IsOptional() @IsIn(['active', 'queued', 'ended']) status?: string;
  @Field({ nullable: true, description: 'Sessions this CSR took part in (supervisors)' }) @IsOptional() @IsString() @MaxLength(USER_ID) csrId?: string;
  @Field({ nullable: true, description: 'Sessions this customer took part in (supervisors)' }) @IsOptional() @IsString() @MaxLength(USER_ID) customerId?: string;
  @ApiPropertyOptional({
    description: 'Sessions that passed through this queue: handed over to it, or started from its inbound request (supervisors)',
    minLength: 1,
    maxLength: 100,
  })
  @Field({ nullable: true, description: 'Sessions that passed through this queue: handed over to it, or started from its inbound request (supervisors)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  queueId?: string;
  @Field(() => Date, { nullable: true, description: 'Started at or after' }) @IsOptional() @Nested(() => Date) @IsDate() from?: Date;
  @Field(() => Date, { nullable: true, description: 'Started before' }) @IsOptional() @Nested(() => Date) @IsDate() to?: Date;
  @Field(() => Int, { defaultValue: 0 }) @IsOptional() @Nested(() => Number) @IsInt() @Min(0) @Max(MAX_OFFSET) offset = 0;
  @Field(() => Int, { defaultValue: 20 }) @IsOptional() @Nested(() => Number) @IsInt() @Min(1) @Max(100) limit = 20;
}

/** Every command on an existing session names it. */
@ArgsType()
export class SessionArgs extends CommandIdArgs {
  @Field(() => ID) @IsUUID() id: string;
}

@ArgsType()
export class InviteParticipantsArgs extends SessionArgs {
  @Field(() => [InvitationInput]) @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Nested(() => InvitationInput) invitations: InvitationInput[];
}

@ArgsType()
export class SelectActiveCustomerArgs extends SessionArgs {
  @Field() @IsString() @MaxLength(USER_ID) customerId: string;
}

@ArgsType()
export class TransferControlArgs extends SessionArgs {
  @Field() @IsString() @MaxLength(USER_ID) toUserId: string;
  @Field({ defaultValue: true, description: "The receiver's system takes voice (CTL-5)" }) @IsOptional() @IsBoolean() receiverSupportsVoice?: boolean;
}

@ArgsType()
export class HandToQueueArgs extends SessionArgs {
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(200) queueId?: string;
  @Field(() => [String], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) agentIds?: string[];
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxGraphemes(2000) message?: string;
  @Field(() => [HandOverSkillInput], { nullable: true, description: 'Skills the taker needs (RT-3)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Nested(() => HandOverSkillInput)
  requiredSkills?: HandOverSkillInput[];
}

@InputType('HandOverSkillInput')
export class HandOverSkillInput {
  @Field() @IsString() @MinLength(1) @MaxLength(50) skill: string;
  @Field(() => Int) @IsInt() @Min(1) @Max(10) minLevel: number;
}

@ArgsType()
export class RequestShareArgs extends SessionArgs {
  @Field(() => ShareKindValue) @IsIn(Object.values(ShareKindValue)) kind: 'desktop' | 'application' | 'cobrowse';
  @Field(() => ShareModeValue) @IsIn(Object.values(ShareModeValue)) mode: 'view' | 'control' | 'share_view' | 'share_control';
}

@ArgsType()
export class ShareArgs extends SessionArgs {
  @Field() @IsUUID() shareId: string;
}

@ArgsType()
export class ApproveShareArgs extends ShareArgs {
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxGraphemes(300) applicationName?: string;
}

@ArgsType()
export class FileTransferArgs extends SessionArgs {
  @Field() @IsUUID() transferId: string;
}

@ArgsType()
export class SendChatMessageArgs extends SessionArgs {
  @Field() @IsString() @MaxGraphemes(20_000) text: string;
  @Field({ nullable: true, description: "A participant's user id; everyone when absent" }) @IsOptional() @IsString() @MaxLength(USER_ID) to?: string;
}

@ArgsType()
export class SaveNoteArgs extends SessionArgs {
  @Field() @IsString() @MaxGraphemes(100_000) text: string;
}

@ArgsType()
export class ChangeDisplayModeArgs extends SessionArgs {
  @Field(() => DisplayModeValue) @IsIn(Object.values(DisplayModeValue)) mode: 'standard' | 'screen_sampling';
}

@ArgsType()
export class StartVideoArgs extends SessionArgs {
  @Field({ description: 'The console found a camera (TL-2)' }) @IsBoolean() cameraAvailable: boolean;
}

@ArgsType()
export class StartVoiceCallArgs extends SessionArgs {
  @Field() @IsString() @MaxLength(USER_ID) withUserId: string;
}

@ArgsType()
export class PublishFileArgs extends SessionArgs {
  @Field() @IsString() @MaxGraphemes(500) fileName: string;
  @Field(() => SafeInt, { nullable: true, description: 'Bytes, up to 2^53-1' }) @IsOptional() @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) sizeBytes?: number;
}

// ============================================================ the commands one can send to a session

const withIds = (invitations: InvitationInput[]) => invitations.map((i) => ({ ...i, invitationId: i.invitationId ?? randomUUID() }));

/** StartSession's input from its arguments (SES-1, SES-4); the service adds the id and number. */
export const startInput = ({ kind, invitations, customer, originUrl }: StartSessionArgs) => ({
  kind: kind ?? 'outbound',
  invitations: invitations && withIds(invitations),
  customer,
  originUrl,
});

/** Per command: the arguments it takes and the command data built from them. Ids of new things are generated by the service. */
export interface CommandSpec {
  readonly args: Type<SessionArgs>;
  readonly data: (args: never) => Record<string, unknown>;
}

const spec = <A extends SessionArgs>(args: Type<A>, data: (a: A) => Record<string, unknown>): CommandSpec => ({ args, data: data as (a: never) => Record<string, unknown> });
const none = () => ({});

/** SendFile, ExpireStoredContent and RecordUndeliveredInvitation come from uploads, retention and the mail job, never from a caller's arguments. */
export type SessionCommandName = Exclude<SessionCommandType, 'StartSession' | 'JoinSession' | 'SendFile' | 'ExpireStoredContent' | 'RecordUndeliveredInvitation'>;

export const SESSION_COMMANDS: Record<SessionCommandName, CommandSpec> = {
  InviteParticipants: spec(InviteParticipantsArgs, (a) => ({ invitations: withIds(a.invitations) })),
  LeaveSession: spec(SessionArgs, none),
  SelectActiveCustomer: spec(SelectActiveCustomerArgs, (a) => ({ customerId: a.customerId })),
  TransferControl: spec(TransferControlArgs, (a) => ({ toUserId: a.toUserId, receiverSupportsVoice: a.receiverSupportsVoice ?? true })),
  HandToQueue: spec(HandToQueueArgs, (a) => ({
    queueId: a.queueId,
    agentIds: a.agentIds,
    message: a.message,
    requiredSkills: a.requiredSkills?.map((s) => ({ skill: s.skill, minLevel: s.minLevel })),
  })),
  AcceptHandOver: spec(SessionArgs, none),
  RequestShare: spec(RequestShareArgs, (a) => ({ kind: a.kind, mode: a.mode })),
  ApproveShare: spec(ApproveShareArgs, (a) => ({ shareId: a.shareId, applicationName: a.applicationName })),
  DeclineShare: spec(ShareArgs, (a) => ({ shareId: a.shareId })),
  EndShare: spec(ShareArgs, (a) => ({ shareId: a.shareId })),
  SendChatMessage: spec(SendChatMessageArgs, (a) => ({ text: a.text, to: a.to })),
  PublishFile: spec(PublishFileArgs, (a) => ({ fileName: a.fileName, sizeBytes: a.sizeBytes })),
  RequestFileTransfer: spec(SessionArgs, none),
  ApproveFileTransfer: spec(FileTransferArgs, (a) => ({ transferId: a.transferId })),
  DeclineFileTransfer: spec(FileTransferArgs, (a) => ({ transferId: a.transferId })),
  EndFileTransfer: spec(FileTransferArgs, (a) => ({ transferId: a.transferId })),
  StartVideo: spec(StartVideoArgs, (a) => ({ cameraAvailable: a.cameraAvailable })),
  EndVideo: spec(SessionArgs, none),
  StartVoiceCall: spec(StartVoiceCallArgs, (a) => ({ withUserId: a.withUserId })),
  EndVoiceCall: spec(SessionArgs, none),
  SaveNote: spec(SaveNoteArgs, (a) => ({ text: a.text })),
  StartRecording: spec(SessionArgs, none),
  StopRecording: spec(SessionArgs, none),
  ChangeDisplayMode: spec(ChangeDisplayModeArgs, (a) => ({ mode: a.mode })),
  // SES-5's console_lost is the system's to say; a caller ends as the controlling CSR.
  EndSession: spec(SessionArgs, () => ({ reason: 'ended_by_csr' })),
};

/** REST names: `TransferControl` -> `transfer-control`; `EndSession` is also just `end`. */
export const REST_COMMANDS: ReadonlyMap<string, SessionCommandName> = new Map([
  ...(Object.keys(SESSION_COMMANDS) as SessionCommandName[]).map((type) => [type.replace(/(?<!^)([A-Z])/g, '-$1').toLowerCase(), type] as const),
  ['end', 'EndSession'],
  ['leave', 'LeaveSession'],
]);
