/**
 * The budget for looking sessions up by number (`sessionByNumber`, `joinSession`): a number is
 * the credential that lets a person in (INV-4), so guessing numbers is limited per principal and
 * per client address, across every node.
 */
export interface LookupLimiter {
  /**
   * Spends one lookup for the principal and one for the client address. Resolves to 0 when
   * allowed, or to the whole seconds to wait (for `Retry-After`) when either budget is spent.
   */
  take(principalId: string, clientAddress: string): Promise<number>;
}

export const LOOKUP_LIMITER = Symbol('LookupLimiter');
