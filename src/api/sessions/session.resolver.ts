import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { LOOKUP_LIMITER, type LookupLimiter } from '../../application/sessions/lookup-limiter.port.js';
import { spendNumberLookup } from './number-lookup.limit.js';
import { hasRole, type Principal } from '../../application/identity/principal.js';
import { SessionService } from '../../application/sessions/session.service.js';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import {
  ApproveShareArgs,
  ChangeDisplayModeArgs,
  FileTransferArgs,
  HandToQueueArgs,
  InviteParticipantsArgs,
  JoinSessionArgs,
  ListSessionsArgs,
  PublishFileArgs,
  RequestShareArgs,
  SaveNoteArgs,
  SelectActiveCustomerArgs,
  SendChatMessageArgs,
  SESSION_COMMANDS,
  type SessionCommandName,
  SessionArgs,
  SessionByNumberArgs,
  SessionQueryArgs,
  SessionModel,
  SessionPage,
  ShareArgs,
  StartSessionArgs,
  startInput,
  StartVideoArgs,
  StartVoiceCallArgs,
  toSession,
  TransferControlArgs,
  UndeliveredInvitation,
} from './session.types.js';

/** The GraphQL context: the HTTP request (its client address) for queries and mutations. */
interface GqlContext {
  readonly req?: { readonly ip?: string; readonly principal?: Principal };
  /** graphql-ws operations keep the principal on the context itself. */
  readonly principal?: Principal;
}

/** GraphQL face of the session use cases: validate, call SessionService, map the view. */
@Resolver(() => SessionModel)
export class SessionResolver {
  constructor(
    private readonly service: SessionService,
    @Inject(LOOKUP_LIMITER) private readonly lookups: LookupLimiter,
  ) {}

  // ---- fields

  /**
   * INV-1: the session's email invitations that could not be delivered, for the CSRs (who invite
   * again another way), supervisors and admins. Customers see none: the addresses are other people's.
   */
  @ResolveField(() => [UndeliveredInvitation])
  undeliveredInvitations(@Parent() session: SessionModel, @Context() ctx: GqlContext): UndeliveredInvitation[] {
    const principal = ctx.req?.principal ?? ctx.principal;
    if (!principal || !(hasRole(principal, 'csr') || hasRole(principal, 'supervisor') || hasRole(principal, 'admin'))) return [];
    return (session.mailedInvitations ?? []).flatMap((i) =>
      i.undelivered ? [{ invitationId: i.invitationId, address: i.address, reason: i.undelivered.reason, at: new Date(i.undelivered.at) }] : [],
    );
  }

  // ---- queries

  @Query(() => SessionModel)
  async session(@CurrentPrincipal() p: Principal, @Args() { id, after }: SessionQueryArgs) {
    return toSession(await this.service.get(p, id, { after }));
  }

  @Query(() => SessionModel, { description: 'The live session with this number, if you take part in it (SESSION_NOT_FOUND otherwise); RATE_LIMITED past 30 lookups a minute.' })
  async sessionByNumber(@CurrentPrincipal() p: Principal, @Context() ctx: GqlContext, @Args() { number, after }: SessionByNumberArgs) {
    await spendNumberLookup(this.lookups, p, ctx.req?.ip);
    return toSession(await this.service.byNumber(p, number, { after }));
  }

  @Query(() => SessionPage, { description: 'Supervisors and admins see every session; others the ones they take part in.' })
  async sessions(@CurrentPrincipal() p: Principal, @Args() { status, csrId, customerId, queueId, from, to, offset, limit, after }: ListSessionsArgs): Promise<SessionPage> {
    const page = await this.service.list(p, { status, csrId, customerId, queueId, from, to }, { offset, limit }, { after });
    return { items: page.items.map(toSession), total: page.total };
  }

  @Query(() => [SessionModel])
  async mySessions(@CurrentPrincipal() p: Principal, @Args() { status, offset, limit, after }: ListSessionsArgs) {
    const page = await this.service.list(p, { status, participantId: p.userId }, { offset, limit }, { after });
    return page.items.map(toSession);
  }

  // ---- mutations

  @Mutation(() => SessionModel)
  async startSession(@CurrentPrincipal() p: Principal, @Args() a: StartSessionArgs) {
    return toSession(await this.service.start(p, startInput(a), { commandId: a.commandId }));
  }

  @Mutation(() => SessionModel)
  async joinSession(@CurrentPrincipal() p: Principal, @Context() ctx: GqlContext, @Args() { number, as, displayName, commandId }: JoinSessionArgs) {
    await spendNumberLookup(this.lookups, p, ctx.req?.ip);
    return toSession(await this.service.joinByNumber(p, number, as, displayName, { commandId }));
  }

  @Mutation(() => SessionModel)
  inviteParticipants(@CurrentPrincipal() p: Principal, @Args() a: InviteParticipantsArgs) {
    return this.run(p, 'InviteParticipants', a);
  }

  @Mutation(() => SessionModel)
  leaveSession(@CurrentPrincipal() p: Principal, @Args() a: SessionArgs) {
    return this.run(p, 'LeaveSession', a);
  }

  @Mutation(() => SessionModel)
  selectActiveCustomer(@CurrentPrincipal() p: Principal, @Args() a: SelectActiveCustomerArgs) {
    return this.run(p, 'SelectActiveCustomer', a);
  }

  @Mutation(() => SessionModel)
  transferControl(@CurrentPrincipal() p: Principal, @Args() a: TransferControlArgs) {
    return this.run(p, 'TransferControl', a);
  }

  @Mutation(() => SessionModel)
  handToQueue(@CurrentPrincipal() p: Principal, @Args() a: HandToQueueArgs) {
    return this.run(p, 'HandToQueue', a);
  }

  @Mutation(() => SessionModel)
  requestShare(@CurrentPrincipal() p: Principal, @Args() a: RequestShareArgs) {
    return this.run(p, 'RequestShare', a);
  }

  @Mutation(() => SessionModel)
  approveShare(@CurrentPrincipal() p: Principal, @Args() a: ApproveShareArgs) {
    return this.run(p, 'ApproveShare', a);
  }

  @Mutation(() => SessionModel)
  declineShare(@CurrentPrincipal() p: Principal, @Args() a: ShareArgs) {
    return this.run(p, 'DeclineShare', a);
  }

  @Mutation(() => SessionModel)
  endShare(@CurrentPrincipal() p: Principal, @Args() a: ShareArgs) {
    return this.run(p, 'EndShare', a);
  }

  @Mutation(() => SessionModel)
  sendChatMessage(@CurrentPrincipal() p: Principal, @Args() a: SendChatMessageArgs) {
    return this.run(p, 'SendChatMessage', a);
  }

  @Mutation(() => SessionModel)
  startRecording(@CurrentPrincipal() p: Principal, @Args() a: SessionArgs) {
    return this.run(p, 'StartRecording', a);
  }

  @Mutation(() => SessionModel)
  stopRecording(@CurrentPrincipal() p: Principal, @Args() a: SessionArgs) {
    return this.run(p, 'StopRecording', a);
  }

  @Mutation(() => SessionModel)
  saveNote(@CurrentPrincipal() p: Principal, @Args() a: SaveNoteArgs) {
    return this.run(p, 'SaveNote', a);
  }

  @Mutation(() => SessionModel)
  changeDisplayMode(@CurrentPrincipal() p: Principal, @Args() a: ChangeDisplayModeArgs) {
    return this.run(p, 'ChangeDisplayMode', a);
  }

  @Mutation(() => SessionModel)
  startVideo(@CurrentPrincipal() p: Principal, @Args() a: StartVideoArgs) {
    return this.run(p, 'StartVideo', a);
  }

  @Mutation(() => SessionModel)
  endVideo(@CurrentPrincipal() p: Principal, @Args() a: SessionArgs) {
    return this.run(p, 'EndVideo', a);
  }

  @Mutation(() => SessionModel)
  startVoiceCall(@CurrentPrincipal() p: Principal, @Args() a: StartVoiceCallArgs) {
    return this.run(p, 'StartVoiceCall', a);
  }

  @Mutation(() => SessionModel)
  endVoiceCall(@CurrentPrincipal() p: Principal, @Args() a: SessionArgs) {
    return this.run(p, 'EndVoiceCall', a);
  }

  @Mutation(() => SessionModel)
  publishFile(@CurrentPrincipal() p: Principal, @Args() a: PublishFileArgs) {
    return this.run(p, 'PublishFile', a);
  }

  @Mutation(() => SessionModel)
  endSession(@CurrentPrincipal() p: Principal, @Args() a: SessionArgs) {
    return this.run(p, 'EndSession', a);
  }

  /** Builds the command's data from the arguments, runs it, maps the view. */
  @Mutation(() => SessionModel, { description: 'Q-5: an offered WebACD agent takes a handed-over session and controls it.' })
  acceptHandOver(@CurrentPrincipal() p: Principal, @Args() a: SessionArgs) {
    return this.run(p, 'AcceptHandOver', a);
  }

  @Mutation(() => SessionModel, { description: "TL-4: ask to browse the customer's folders; the customer approves or declines." })
  requestFileTransfer(@CurrentPrincipal() p: Principal, @Args() a: SessionArgs) {
    return this.run(p, 'RequestFileTransfer', a);
  }

  @Mutation(() => SessionModel)
  approveFileTransfer(@CurrentPrincipal() p: Principal, @Args() a: FileTransferArgs) {
    return this.run(p, 'ApproveFileTransfer', a);
  }

  @Mutation(() => SessionModel)
  declineFileTransfer(@CurrentPrincipal() p: Principal, @Args() a: FileTransferArgs) {
    return this.run(p, 'DeclineFileTransfer', a);
  }

  @Mutation(() => SessionModel)
  endFileTransfer(@CurrentPrincipal() p: Principal, @Args() a: FileTransferArgs) {
    return this.run(p, 'EndFileTransfer', a);
  }

  private async run(p: Principal, type: SessionCommandName, args: SessionArgs): Promise<SessionModel> {
    const data = SESSION_COMMANDS[type].data(args as never);
    return toSession(await this.service.execute(p, args.id, type, data as never, { commandId: args.commandId }));
  }
}
