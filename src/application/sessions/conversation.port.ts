/** One chat message (TL-1); `to` null: everyone in the session. `seq`: its place in the session's history. */
export interface ChatMessage {
  readonly seq: number;
  readonly messageId: string;
  readonly from: string;
  readonly to: string | null;
  readonly text: string;
  readonly sentAt: Date;
}

/** One saved note (TL-6). */
export interface SessionNote {
  readonly seq: number;
  readonly noteId: string;
  readonly by: string;
  readonly text: string;
  readonly savedAt: Date;
}

/** The chat and notes of sessions, from a projection (the consoles page through them). */
export interface ConversationReadModel {
  /**
   * Messages after `afterSeq`, oldest first, at most `limit`. `viewer` set: only what that
   * participant may read (to everyone, from them, or to them).
   */
  messages(sessionId: string, options: { afterSeq: number; limit: number; viewer?: string }): Promise<ChatMessage[]>;
  notes(sessionId: string): Promise<SessionNote[]>;
  /** Resolves once the projection has caught up with the log (read-your-writes for the consoles). */
  caughtUp(): Promise<void>;
}

export const CONVERSATION_READ_MODEL = Symbol('ConversationReadModel');
