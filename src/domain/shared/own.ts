/**
 * The value stored under `key` as the record's own property, or undefined. Every lookup by a
 * string a user controls (user ids, share ids, queue ids, setting names) goes through this or a
 * Map: in a plain object, `constructor`, `toString` or `__proto__` would otherwise find
 * Object.prototype's members, and a user with such an id would pass any membership check.
 */
export function own<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
