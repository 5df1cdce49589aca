/**
 * The shapes every aggregate in Tandem is written in: plain data and plain functions.
 * A command or an event is `{ type, data, metadata }`; the decider folds events into
 * state and turns a command plus the current state into new events.
 */

/** Who acts, when, and under which ids: everything the domain may not invent itself. */
export interface CommandMetadata {
  /** The acting user's id (the JWT subject). */
  readonly userId: string;
  /** The acting user's roles, as the identity provider granted them. */
  readonly roles: readonly string[];
  /** The instant the command is decided at; the domain never reads a clock. */
  readonly now: Date;
  /** Client-supplied id that makes a retry of the same command harmless. */
  readonly commandId?: string;
  /** Display name of the acting user, when known. */
  readonly userName?: string;
}

export interface Command<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: CommandMetadata;
}

export interface Event<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

export interface Decider<C extends Command, E extends Event, S, Ctx = void> {
  initialState(): S;
  decide(command: C, state: S, context: Ctx): readonly E[];
  evolve(state: S, event: E): S;
}

/** Folds a history into the state it leads to. */
export function fold<E extends Event, S>(decider: Pick<Decider<never, E, S, unknown>, 'initialState' | 'evolve'>, events: readonly E[]): S {
  return events.reduce(decider.evolve, decider.initialState());
}

/** The compiler's check that a switch handled every case. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
