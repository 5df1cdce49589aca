import { validationError } from '../../domain/shared/domain-error.js';
import { START } from '../../application/event-store/event-store.port.js';

/** A PostgreSQL log checkpoint: `<tx_id>:<global_position>` of the last event read. */
export interface PgCheckpoint {
  readonly txId: string;
  readonly position: string;
}

export function formatPgCheckpoint(txId: string, position: string): string {
  return `${txId}:${position}`;
}

export function parsePgCheckpoint(checkpoint: string): PgCheckpoint {
  if (checkpoint === START) return { txId: '0', position: '0' };
  const match = /^(\d{1,20}):(\d{1,19})$/.exec(checkpoint);
  if (!match) throw validationError('INVALID_CHECKPOINT', 'checkpoint', `checkpoint must be '${START}' or '<txid>:<position>' (got ${checkpoint})`);
  return { txId: match[1]!, position: match[2]! };
}
