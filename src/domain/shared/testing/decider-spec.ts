import { type Command, type Decider, type Event, fold } from '../decider.js';
import { DomainError } from '../domain-error.js';

/**
 * given(events).when(command).then(events | error) for unit specs of a decider.
 * Pure: no Nest, no database. `context` is what the command handler would pass to `decide`.
 */
export function deciderSpec<C extends Command, E extends Event, S, Ctx>(decider: Decider<C, E, S, Ctx>, defaultContext: Ctx) {
  return {
    given(history: readonly E[], context: Ctx = defaultContext) {
      return {
        when(command: C) {
          const run = () => decider.decide(command, fold(decider, history), context);
          return {
            then(expected: readonly E[]) {
              expect(run()).toEqual(expected);
            },
            thenContains(expected: readonly Partial<E>[]) {
              const events = run();
              for (const e of expected) expect(events).toContainEqual(expect.objectContaining(e));
              return events;
            },
            thenError(code: string) {
              let thrown: unknown;
              try {
                run();
              } catch (error) {
                thrown = error;
              }
              expect(thrown).toBeInstanceOf(DomainError);
              expect((thrown as DomainError).code).toBe(code);
              return thrown as DomainError;
            },
            events: run,
          };
        },
      };
    },
  };
}
