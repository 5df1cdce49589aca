import { Inject, ParseUUIDPipe } from '@nestjs/common';
import { Args, Field, ID, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { hasRole, type Principal } from '../../application/identity/principal.js';
import { CONVERSATION_READ_MODEL, type ConversationReadModel } from '../../application/sessions/conversation.port.js';
import { SessionService } from '../../application/sessions/session.service.js';
import { forbidden } from '../../domain/shared/domain-error.js';
import { CurrentPrincipal } from '../auth/auth.decorators.js';

@ObjectType()
export class ChatMessageModel {
  @Field(() => Int, { description: "The message's place in the session's history; page with `after`" }) seq: number;
  @Field() messageId: string;
  @Field() from: string;
  @Field(() => String, { nullable: true, description: 'A participant, or null for everyone (TL-1)' }) to: string | null;
  @Field() text: string;
  @Field() sentAt: Date;
}

@ObjectType()
export class ChatPage {
  @Field(() => [ChatMessageModel]) items: ChatMessageModel[];
  @Field({ description: 'More messages follow the last one' }) hasMore: boolean;
}

@ObjectType()
export class SessionNoteModel {
  @Field(() => Int) seq: number;
  @Field() noteId: string;
  @Field() by: string;
  @Field() text: string;
  @Field() savedAt: Date;
}

/** Without a consistency token, how long a read waits for the reader to catch up with the log's head, at most. */
const CATCH_UP_MS = 2000;
const TOKEN_ARG = {
  type: () => String,
  nullable: true,
  description: "A mutation's consistencyToken: the answer shows at least that mutation's effects (waits, bounded; READ_MODEL_BEHIND 409 otherwise)",
} as const;

/** A session's chat (TL-1) and notes (TL-6), for its participants and for supervisors. */
@Resolver()
export class ConversationResolver {
  constructor(
    private readonly sessions: SessionService,
    @Inject(CONVERSATION_READ_MODEL) private readonly conversation: ConversationReadModel,
  ) {}

  @Query(() => ChatPage, {
    description: 'TL-1: chat messages after `after` (a seq), oldest first. Participants see messages to everyone, to them and from them; supervisors see all.',
  })
  async chatMessages(
    @CurrentPrincipal() p: Principal,
    @Args('sessionId', { type: () => ID }, ParseUUIDPipe) sessionId: string,
    @Args('after', { type: () => Int, defaultValue: -1 }) after: number,
    @Args('limit', { type: () => Int, defaultValue: 50 }) limit: number,
    @Args('consistencyToken', TOKEN_ARG) consistencyToken?: string,
  ): Promise<ChatPage> {
    await this.sessions.get(p, sessionId);
    await this.caughtUp(consistencyToken);
    const size = Math.min(Math.max(1, limit), 200);
    const everything = hasRole(p, 'supervisor', 'admin');
    const items = await this.conversation.messages(sessionId, { afterSeq: after, limit: size + 1, viewer: everything ? undefined : p.userId });
    return { items: items.slice(0, size), hasMore: items.length > size };
  }

  @Query(() => [SessionNoteModel], { description: "TL-6: the session's saved notes; its CSRs and supervisors only." })
  async sessionNotes(
    @CurrentPrincipal() p: Principal,
    @Args('sessionId', { type: () => ID }, ParseUUIDPipe) sessionId: string,
    @Args('consistencyToken', TOKEN_ARG) consistencyToken?: string,
  ): Promise<SessionNoteModel[]> {
    if (!hasRole(p, 'csr', 'supervisor', 'admin')) throw forbidden('NOTES_FORBIDDEN', 'notes are for the CSRs of the session and supervisors');
    await this.sessions.get(p, sessionId);
    await this.caughtUp(consistencyToken);
    return this.conversation.notes(sessionId);
  }

  /** With a token, the read model's own position (read-your-writes); without, the log's head at call time. */
  private caughtUp(consistencyToken: string | undefined) {
    if (consistencyToken !== undefined) return this.sessions.readModelAt(consistencyToken);
    return Promise.race([this.conversation.caughtUp(), new Promise((resolve) => setTimeout(resolve, CATCH_UP_MS).unref())]);
  }
}
