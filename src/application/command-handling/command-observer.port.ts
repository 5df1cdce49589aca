/** How one command ended: stored, answered as a repeat, refused by a rule, or failed (a fault). */
export type CommandOutcome = 'ok' | 'duplicate' | 'refused' | 'failed';

/**
 * Told of every command the handler runs (metrics, traces). `type` is the command's type
 * (`StartSession`), `code` the problem code of a refusal (`SESSION_ENDED`), `seconds` the
 * handler's wall time including its turn in the stream's line.
 */
export interface CommandObserver {
  handled(type: string, outcome: CommandOutcome, seconds: number, code?: string): void;
}
