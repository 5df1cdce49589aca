/** Display names of users, as their tokens name them (sessions keep user ids only). */
export interface People {
  /** The display name of each of `userIds` that has one. */
  names(userIds: readonly string[]): Promise<Map<string, string>>;
}

export const PEOPLE = Symbol('People');
