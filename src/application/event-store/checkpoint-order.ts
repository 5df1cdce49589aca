import { validationError } from '../../domain/shared/domain-error.js';
import { START } from './event-store.port.js';

/**
 * Checkpoints are opaque to callers but ordered: every adapter writes them as two unsigned
 * decimal integers, `<tx_id>:<global_position>` (PostgreSQL) or `<commit>/<prepare>`
 * (EventStoreDB/KurrentDB), compared as a pair; `start` is before every event.
 */
const CHECKPOINT = /^(\d{1,20})[:/](\d{1,20})$/;

/** The checkpoint as an ordered pair, or undefined when it is not one this project writes. */
function pairOf(checkpoint: string): readonly [bigint, bigint] | undefined {
  if (checkpoint === START) return [-1n, -1n];
  const match = CHECKPOINT.exec(checkpoint);
  return match ? [BigInt(match[1]!), BigInt(match[2]!)] : undefined;
}

/** True when `checkpoint` is `start` or a checkpoint as the event store writes them. */
export const isCheckpoint = (checkpoint: string): boolean => pairOf(checkpoint) !== undefined;

/**
 * Negative when `a` is before `b` in the global log, 0 when equal, positive after.
 * @throws DomainError INVALID_CONSISTENCY_TOKEN (validation) when either is not a checkpoint.
 */
export function compareCheckpoints(a: string, b: string): number {
  const x = pairOf(a);
  const y = pairOf(b);
  if (!x || !y) throw validationError('INVALID_CONSISTENCY_TOKEN', 'after', `a consistency token is a checkpoint returned by a mutation (got ${!x ? a : b})`);
  if (x[0] !== y[0]) return x[0] < y[0] ? -1 : 1;
  return x[1] === y[1] ? 0 : x[1] < y[1] ? -1 : 1;
}
