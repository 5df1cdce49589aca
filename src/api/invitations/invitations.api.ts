import { Controller, Get, Inject, NotFoundException, Param, ParseUUIDPipe } from '@nestjs/common';
import { Args, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { InvitationMessage } from '../../application/invitations/invitation-message.js';
import { type CaughtMail, type CaughtMailSummary, DEV_MAILBOX, type DevMailbox } from '../../application/invitations/invitation.ports.js';
import { InvitationsService } from '../../application/invitations/invitations.service.js';
import type { Principal } from '../../application/identity/principal.js';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators.js';
import { SessionModel } from '../sessions/session.types.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { InvitationMessageModel, SessionInvitationModel, toInvitationMessage, toSessionInvitation } from './invitation.types.js';
import { CAUGHT_MAIL, CAUGHT_MAIL_LIST } from '../openapi/rest-responses.js';

/** INV-1..3: the message a CSR of the session passes on for one of its invitations. */
@ApiTags('sessions')
@ApiBearerAuth()
@Controller('api/v1/sessions')
export class InvitationsController {
  constructor(@Inject(InvitationsService) private readonly invitations: InvitationsService) {}

  @Get(':id/invitations/:invitationId/message')
  @ApiOperation({ summary: 'What to pass on for an invitation: mail with mailto: link, number and site, or join link (INV-1..3)' })
  @ApiOkResponse({ type: InvitationMessageModel, description: 'Fields of other channels are left out' })
  message(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Param('invitationId', ParseUUIDPipe) invitationId: string): Promise<InvitationMessage> {
    return this.invitations.message(p, id, invitationId);
  }

  @Get(':id/invitations')
  @ApiOperation({ summary: "A session's invitations, oldest first, with when each was mailed and redeemed (the session's CSRs, supervisors, admins)" })
  @ApiOkResponse({ type: SessionInvitationModel, isArray: true, description: 'Oldest first' })
  async list(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<SessionInvitationModel[]> {
    return (await this.invitations.list(p, id)).map(toSessionInvitation);
  }
}

/** `Session.invitations`: so no client digs invitations out of the history. */
@Resolver(() => SessionModel)
export class SessionInvitationsResolver {
  constructor(@Inject(InvitationsService) private readonly service: InvitationsService) {}

  @ResolveField(() => [SessionInvitationModel], {
    nullable: true,
    description: "INV-1..3: the session's invitations, oldest first; null for a caller who may not see them (its customers)",
  })
  async invitations(@CurrentPrincipal() p: Principal, @Parent() session: SessionModel): Promise<SessionInvitationModel[] | null> {
    try {
      return (await this.service.list(p, session.id)).map(toSessionInvitation);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'INVITATIONS_CSR_ONLY') return null;
      throw error;
    }
  }
}

@Resolver(() => InvitationMessageModel)
export class InvitationsResolver {
  constructor(@Inject(InvitationsService) private readonly invitations: InvitationsService) {}

  @Query(() => InvitationMessageModel, { description: 'INV-1..3: what to pass on for an invitation; CSRs of the session only.' })
  async invitationMessage(
    @CurrentPrincipal() p: Principal,
    @Args('sessionId', { type: () => ID }, ParseUUIDPipe) sessionId: string,
    @Args('invitationId', { type: () => ID }, ParseUUIDPipe) invitationId: string,
  ): Promise<InvitationMessageModel> {
    return toInvitationMessage(await this.invitations.message(p, sessionId, invitationId));
  }
}

/**
 * The local mail catcher's inbox, only while it runs (no SMTP_URL). Admins only: caught mail
 * holds join links to other people's sessions, and a server started without SMTP_URL by
 * mistake must not hand them to any customer with a token.
 */
@ApiTags('development')
@ApiBearerAuth()
@Controller('dev/mail')
@Roles('admin')
export class DevMailController {
  constructor(@Inject(DEV_MAILBOX) private readonly mailbox: DevMailbox | null) {}

  @Get()
  @ApiOperation({ summary: 'Mail caught by the local mail catcher, newest first (development; no SMTP_URL)' })
  @ApiOkResponse({ schema: CAUGHT_MAIL_LIST })
  list(): Promise<CaughtMailSummary[]> {
    return this.open().list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One caught mail: headers, text, html and the raw message' })
  @ApiOkResponse({ schema: CAUGHT_MAIL })
  async get(@Param('id') id: string): Promise<CaughtMail> {
    const mail = await this.open().get(id);
    if (!mail) throw new NotFoundException(`no caught mail ${id}`);
    return mail;
  }

  private open(): DevMailbox {
    if (!this.mailbox) throw new NotFoundException('the mail catcher is not running (SMTP_URL is set)');
    return this.mailbox;
  }
}
