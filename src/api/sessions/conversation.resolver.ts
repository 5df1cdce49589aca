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

/** How long a read waits for the conversation projection to catch up (read-your-writes), at most. */
const CATCH_UP_MS = 2000;

/** A session's chat (TL-1) and notes (TL-6), for its participants and for supervisors. */
@Resolver()
export class ConversationResolver {
  constructor(
    private readonly sessions: SessionService,
    @Inject(CONVERSATION_READ_MODEL) private readonly conversation: ConversationReadModel,
  ) {}

  @Query(() => ChatPage, { description: 'TL-1: chat messages after `after` (a seq), oldest first. Participants see messages to everyone, to them and from them; supervisors see all.' })
  async chatMessages(
    @CurrentPrincipal() p: Principal,
    @Args('sessionId', { type: () => ID }, ParseUUIDPipe) sessionId: string,
    @Args('after', { type: () => Int, defaultValue: -1 }) after: number,
    @Args('limit', { type: () => Int, defaultValue: 50 }) limit: number,
  ): Promise<ChatPage> {
    await this.sessions.get(p, sessionId);
    await this.caughtUp();
    const size = Math.min(Math.max(1, limit), 200);
    const everything = hasRole(p, 'supervisor', 'admin');
    const items = await this.conversation.messages(sessionId, { afterSeq: after, limit: size + 1, viewer: everything ? undefined : p.userId });
    return { items: items.slice(0, size), hasMore: items.length > size };
  }

  @Query(() => [SessionNoteModel], { description: "TL-6: the session's saved notes; its CSRs and supervisors only." })
  async sessionNotes(@CurrentPrincipal() p: Principal, @Args('sessionId', { type: () => ID }, ParseUUIDPipe) sessionId: string): Promise<SessionNoteModel[]> {
    if (!hasRole(p, 'csr', 'supervisor', 'admin')) throw forbidden('NOTES_FORBIDDEN', 'notes are for the CSRs of the session and supervisors');
    await this.sessions.get(p, sessionId);
    await this.caughtUp();
    return this.conversation.notes(sessionId);
  }

  private caughtUp() {
    return Promise.race([this.conversation.caughtUp(), new Promise((resolve) => setTimeout(resolve, CATCH_UP_MS).unref())]);
  }
}
