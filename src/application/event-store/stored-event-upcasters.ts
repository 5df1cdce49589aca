import { type Upcaster, UpcasterRegistry } from './upcasters.js';

/**
 * Every upcaster of the stored contract, in one place, so that each store, script and bench
 * reads old events in the current shape. Fields the old version lacked become null ("not known"),
 * never a made-up value; fields already present are kept (an event written v2-shaped under v1).
 */
export const STORED_EVENT_UPCASTERS: readonly Upcaster[] = [
  {
    // v2 (issue 16): the recording's bytes are stored; v1 recorded only that it stopped.
    type: 'RecordingStopped',
    fromVersion: 1,
    up: (data) => ({ sizeBytes: null, durationMs: null, sha256: null, ...(data as object) }),
  },
  {
    // v2 (issue 16): a published file's bytes are stored with their digest and sniffed type.
    type: 'FilePublished',
    fromVersion: 1,
    up: (data) => ({ sha256: null, contentType: null, ...(data as object) }),
  },
];

/** A registry holding every upcaster of the stored contract. */
export const storedEventUpcasters = (): UpcasterRegistry => new UpcasterRegistry(STORED_EVENT_UPCASTERS);
