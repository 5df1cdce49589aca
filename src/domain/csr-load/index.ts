import type { Decider } from '../shared/decider.js';
import { type CsrLoadCommand, type CsrLoadContext, decideCsrLoad } from './csr-load.decide.js';
import type { CsrLoadEvent } from './csr-load.events.js';
import { type CsrLoadState, evolveCsrLoad, initialCsrLoadState } from './csr-load.state.js';

export * from './csr-load.decide.js';
export * from './csr-load.events.js';
export * from './csr-load.state.js';

/** A CSR's load (SES-3): one stream per CSR, so their starts and acceptances take turns. */
export const csrLoadDecider: Decider<CsrLoadCommand, CsrLoadEvent, CsrLoadState, CsrLoadContext> = {
  initialState: initialCsrLoadState,
  decide: decideCsrLoad,
  evolve: evolveCsrLoad,
};
