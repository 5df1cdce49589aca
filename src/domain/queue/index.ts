import type { Decider } from '../shared/decider.js';
import type { QueueCommand, QueueContext } from './queue.commands.js';
import { decideQueue } from './queue.decide.js';
import * as QueueErrors from './queue.errors.js';
import type { QueueEvent } from './queue.events.js';
import { evolveQueue, initialQueueState, type QueueState } from './queue.state.js';

export * from './queue.commands.js';
export * from './queue.errors.js';
export * from './queue.events.js';
export * from './queue.state.js';
export * from './routing.js';
export {
  HANDOVER_MESSAGE_MAX_LENGTH,
  OFFER_TIMEOUT_MAX_MS,
  OFFER_TIMEOUT_MIN_MS,
  PROBLEM_MAX_LENGTH,
  QUEUE_NAME_MAX_LENGTH,
  SERVICE_LEVEL_THRESHOLD_MAX_MS,
  SERVICE_LEVEL_THRESHOLD_MIN_MS,
  SYSTEM,
  TOPICS_MAX,
} from './queue.decide.js';
export { SKILL_LEVEL_MAX, SKILL_NAME_MAX_LENGTH, SKILLS_MAX, validRequiredSkills } from '../shared/skills.js';
export { QueueErrors };

/** Every stable error code the queue aggregate raises. */
export type QueueErrorCode = (typeof QueueErrors)[keyof typeof QueueErrors];

/** The WebACD queue aggregate: one stream per queue. Decides who is offered what and who may accept (Q-1..Q-6). */
export const queueDecider: Decider<QueueCommand, QueueEvent, QueueState, QueueContext> = {
  initialState: initialQueueState,
  decide: decideQueue,
  evolve: evolveQueue,
};
