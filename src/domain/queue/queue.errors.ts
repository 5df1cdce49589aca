/**
 * Stable error codes of the WebACD queue aggregate. Clients and the API layer rely on them:
 * never rename one. The category each is raised with is noted beside it.
 */

// --- the queue itself
/** not_found: no queue has been created on this stream. */
export const QUEUE_NOT_FOUND = 'QUEUE_NOT_FOUND';
/** illegal_state: CreateQueue on a stream that already holds a queue. */
export const QUEUE_ALREADY_EXISTS = 'QUEUE_ALREADY_EXISTS';
/** illegal_state: the queue was closed and takes no further work. */
export const QUEUE_CLOSED = 'QUEUE_CLOSED';
/** validation: a queue needs a name of 1..100 characters. */
export const INVALID_QUEUE_NAME = 'INVALID_QUEUE_NAME';
/** validation: the offer timeout is a whole number of milliseconds from 5 seconds to 10 minutes. */
export const INVALID_OFFER_TIMEOUT = 'INVALID_OFFER_TIMEOUT';
/** validation: unknown routing policy. */
export const INVALID_ROUTING = 'INVALID_ROUTING';
/** validation: an agent id is empty, repeated, or added and removed at once. */
export const INVALID_AGENT_LIST = 'INVALID_AGENT_LIST';
/** validation: a queue id is required. */
export const INVALID_QUEUE_ID = 'INVALID_QUEUE_ID';

// --- who may act
/** forbidden: the command needs the 'admin' role. */
export const NOT_AN_ADMIN = 'NOT_AN_ADMIN';
/** forbidden: the command is the system's (timer jobs, reactions): role 'system'. */
export const SYSTEM_ONLY = 'SYSTEM_ONLY';
/** forbidden: only a WebACD agent may take, decline or be offered queued work. */
export const NOT_WEBACD_AGENT = 'NOT_WEBACD_AGENT';
/** illegal_state: inbound requests and hand-overs need WebACD on the site (SES-2). */
export const WEBACD_DISABLED = 'WEBACD_DISABLED';
/** validation / forbidden: the agent named is not an agent of this queue. */
export const AGENT_NOT_IN_QUEUE = 'AGENT_NOT_IN_QUEUE';
/** forbidden: an agent sets only their own availability (an admin may set anyone's). */
export const NOT_YOUR_AVAILABILITY = 'NOT_YOUR_AVAILABILITY';
/** forbidden: only the customer who waits (or the system) may take the item out of the queue. */
export const NOT_ITEM_CUSTOMER = 'NOT_ITEM_CUSTOMER';

// --- work items
/** validation: an item id is required. */
export const INVALID_ITEM_ID = 'INVALID_ITEM_ID';
/** illegal_state: an item with this id is waiting or was handled recently. */
export const DUPLICATE_ITEM = 'DUPLICATE_ITEM';
/** not_found: no item with this id waits in the queue. */
export const ITEM_NOT_FOUND = 'ITEM_NOT_FOUND';
/** validation: an inbound request needs a customer (id, name, email) and the page they came from (SES-2). */
export const INVALID_INBOUND_REQUEST = 'INVALID_INBOUND_REQUEST';
/** validation: the problem description is longer than 2000 characters (SES-2, Q-6). */
export const PROBLEM_TOO_LONG = 'PROBLEM_TOO_LONG';
/** validation: the target is exactly this queue, or one or more of its agents, never both. */
export const INVALID_HANDOVER_TARGET = 'INVALID_HANDOVER_TARGET';
/** validation: the personal message is longer than 345 characters. */
export const HANDOVER_MESSAGE_TOO_LONG = 'HANDOVER_MESSAGE_TOO_LONG';

// --- offers
/** not_found: no offer with this id was made here (recently). */
export const OFFER_NOT_FOUND = 'OFFER_NOT_FOUND';
/** forbidden: the offer was made to another agent. */
export const NOT_OFFERED_AGENT = 'NOT_OFFERED_AGENT';
/** illegal_state: another accept won; the item is already taken ("already taken"). */
export const OFFER_ALREADY_TAKEN = 'OFFER_ALREADY_TAKEN';
/** illegal_state: the offer ran out (its `expiresAt` has passed). */
export const OFFER_EXPIRED = 'OFFER_EXPIRED';
/** illegal_state: the offer was declined or withdrawn (the customer left, the item was abandoned...). */
export const OFFER_NOT_OPEN = 'OFFER_NOT_OPEN';
/** illegal_state: the agent already runs as many sessions as the admin allows (SES-3). */
export const AGENT_AT_CAPACITY = 'AGENT_AT_CAPACITY';

// --- skills and statistics (RT-3)
/** validation: required skills are a list of { skill (1..50 characters, once each), minLevel 1..10 }, at most 20. */
export { INVALID_SKILLS } from '../shared/skills.js';
/** validation: topics are a list of { topic (1..100 characters, once each), requiredSkills }, at most 100. */
export const INVALID_TOPICS = 'INVALID_TOPICS';
/** validation: the request names a topic the queue does not have. */
export const UNKNOWN_TOPIC = 'UNKNOWN_TOPIC';
/** validation: the service level threshold is a whole number of ms from 1 s to 1 h. */
export const INVALID_SERVICE_LEVEL_THRESHOLD = 'INVALID_SERVICE_LEVEL_THRESHOLD';
