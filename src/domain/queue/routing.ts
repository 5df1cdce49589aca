/**
 * The queue's routing policy and wait estimate: pure functions over queue state and the facts
 * the application resolved. The decider calls `planOffers` after every change; readers
 * (the waiting page, the agents' dashboard) call `estimatedWait`.
 *
 * Choices:
 * - Items are served first in first out.
 * - Inbound requests (Q-6): each has at most one open offer, and each agent at most one open
 *   inbound offer at a time (an agent answers one thing at once; a second request goes to the
 *   next free agent instead of piling up on one).
 * - Hand-overs (Q-5) are broadcast: offered at once to every eligible agent, one offer each
 *   (`${itemId}:${attempt}:${agentId}`, `attempt` = the round). Broadcast offers do not count
 *   against the one-inbound-offer rule. An agent who becomes eligible while a round is open joins
 *   it (unless already offered in it, or passed); a new round starts once no offer of the item is
 *   open (all declined, expired or withdrawn).
 * - An agent can be offered work when they are in the queue, available, a WebACD agent (Q-1)
 *   and below their maximum load (SES-3). A hand-over to named agents goes to those agents only.
 * - Among those, the agent idle longest goes first (`idleSince`: last availability change,
 *   offer end or accept); ties go to the agent listed first in the queue.
 * - An agent who declined an item, or let its offer expire, is skipped for that item until
 *   every agent who could take it has passed once; then a new round starts (for a hand-over,
 *   a new round goes to every eligible agent who has not passed, or to all when all have).
 */
import { own } from '../shared/own.js';
import { assertNever } from '../shared/decider.js';
import type { AgentFacts } from './queue.commands.js';
import { eligibleAgentsOf, isBroadcastOffer, offeredInRound, type HandOverItem, type OpenQueue, type QueueState } from './queue.state.js';

export interface PlannedOffer {
  readonly offerId: string;
  readonly itemId: string;
  readonly agentId: string;
  /** Inbound: the item's offer count after this one. Hand-over: the broadcast round this offer belongs to. */
  readonly attempt: number;
}

/** The offer id for an inbound item's nth offer: deterministic, so a re-run decides the same ids. */
export const offerIdFor = (itemId: string, attempt: number) => `${itemId}:${attempt}`;
/** The offer id of a hand-over's offer to one agent in round `attempt`: deterministic, unique per (item, round, agent). */
export const broadcastOfferIdFor = (itemId: string, attempt: number, agentId: string) => `${itemId}:${attempt}:${agentId}`;

/**
 * Who gets offered what now. `extraLoad`: sessions the decision itself just gave an agent
 * (an accept), which the facts resolved before the command do not count yet.
 */
export function planOffers(
  q: OpenQueue,
  facts: Readonly<Record<string, AgentFacts>>,
  extraLoad: Readonly<Record<string, number>> = {},
): readonly PlannedOffer[] {
  const canTakeWork = (agentId: string): boolean => {
    const f = own(facts, agentId);
    const slot = own(q.agents, agentId);
    return !!slot && slot.available && !!f && f.webacdAgent && f.liveLoad + (own(extraLoad, agentId) ?? 0) < f.maxLoad;
  };
  // Only inbound offers make an agent busy; hand-over broadcasts do not.
  const busy = new Set(q.offers.filter((o) => !isBroadcastOffer(q, o)).map((o) => o.agentId));
  const offeredItems = new Set(q.offers.map((o) => o.itemId));
  // Agents who could take an inbound offer now. When none is left, the remaining inbound items
  // are passed over in O(1) each: a long queue with every agent busy costs no agent scans.
  const freeForInbound = new Set(q.agentIds.filter((id) => canTakeWork(id) && !busy.has(id)));
  const plans: PlannedOffer[] = [];
  for (const item of q.waiting) {
    switch (item.kind) {
      case 'hand_over': {
        const pool = eligibleAgentsOf(q, item).filter(canTakeWork);
        plans.push(...broadcast(item, pool, q.offers.filter((o) => o.itemId === item.itemId).map((o) => o.agentId)));
        break;
      }
      case 'inbound': {
        if (offeredItems.has(item.itemId) || freeForInbound.size === 0) continue;
        const pool = eligibleAgentsOf(q, item).filter(canTakeWork);
        if (pool.length === 0) continue;
        const roundOver = pool.every((id) => item.passedBy.includes(id));
        const candidates = pool.filter((id) => !busy.has(id) && (roundOver || !item.passedBy.includes(id)));
        const agentId = pickAgent(q, candidates);
        if (agentId === undefined) continue;
        busy.add(agentId);
        freeForInbound.delete(agentId);
        const attempt = item.attempts + 1;
        plans.push({ offerId: offerIdFor(item.itemId, attempt), itemId: item.itemId, agentId, attempt });
        break;
      }
      default:
        return assertNever(item);
    }
  }
  return plans;
}

/**
 * Q-5 broadcast of a hand-over to the eligible agents `pool` (queue order); `holdingOffers`: the
 * agents holding an open offer of it. While a round is open,
 * only agents not yet offered in it (and not passed) join it; otherwise a new round starts, to the
 * agents who have not passed, or to all when every one has.
 */
function broadcast(item: HandOverItem, pool: readonly string[], holdingOffers: readonly string[]): readonly PlannedOffer[] {
  const passed = (id: string) => item.passedBy.includes(id);
  let attempt: number;
  let agents: readonly string[];
  if (holdingOffers.length > 0) {
    attempt = item.attempts;
    const offered = new Set([...offeredInRound(item), ...holdingOffers]);
    agents = pool.filter((id) => !offered.has(id) && !passed(id));
  } else {
    attempt = item.attempts + 1;
    const roundOver = pool.every(passed);
    agents = pool.filter((id) => roundOver || !passed(id));
  }
  return agents.map((agentId) => ({ offerId: broadcastOfferIdFor(item.itemId, attempt, agentId), itemId: item.itemId, agentId, attempt }));
}

function pickAgent(q: OpenQueue, candidates: readonly string[]): string | undefined {
  switch (q.routing) {
    case 'longest_idle': {
      const idle = (id: string) => Date.parse(own(q.agents, id)?.idleSince ?? '');
      return [...candidates].sort((a, b) => idle(a) - idle(b) || q.agentIds.indexOf(a) - q.agentIds.indexOf(b))[0];
    }
    default:
      return assertNever(q.routing);
  }
}

/**
 * Estimated wait in milliseconds, or null when the queue has no history to go on (or is not open,
 * or the item is not waiting). Average of the recent waits (enqueued to accepted) times the
 * position in line, shared among the available agents: avg * position / max(1, available).
 * With `itemId`, for that waiting item, less what it has already waited (never below 0);
 * without, for a customer who would join the line now.
 */
export function estimatedWait(state: QueueState, now: Date, itemId?: string): number | null {
  if (state.status !== 'open' || state.recentWaitsMs.length === 0) return null;
  const average = state.recentWaitsMs.reduce((sum, ms) => sum + ms, 0) / state.recentWaitsMs.length;
  const available = Object.values(state.agents).filter((a) => a.available).length;
  let position = state.waiting.length + 1;
  let waited = 0;
  if (itemId !== undefined) {
    const index = state.waiting.findIndex((i) => i.itemId === itemId);
    if (index < 0) return null;
    position = index + 1;
    waited = now.getTime() - Date.parse(state.waiting[index].enqueuedAt);
  }
  return Math.max(0, Math.round((average * position) / Math.max(1, available) - waited));
}
