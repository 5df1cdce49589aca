/**
 * The event types a projection handles, derived from a table over the whole event union: a
 * `Record<EventType, boolean>` the compiler checks, so a new event type that nobody decided
 * about is a compile error, not a read model that silently never changes.
 */
export function handledTypes<T extends string>(table: Readonly<Record<T, boolean>>): T[] {
  return (Object.keys(table) as T[]).filter((type) => table[type]);
}
