/**
 * The queue's routing policy and wait estimate: pure functions over queue state and the facts
 * the application resolved. The decider calls `planOffers` after every change; readers
 * (the waiting page, the agents' dashboard) call `estimatedWait`.
 *
 * Choices (rule IDs RT-n are this module's; see the queue README):
 * - Items are served first in first out (RT-1).
 * - Inbound requests (Q-6): each has at most one open offer, and each agent at most one open
 *   inbound offer at a time (RT-2: an agent answers one thing at once; a second request goes to
 *   the next free agent instead of piling up on one).
 * - Hand-overs (Q-5) are broadcast: offered at once to every eligible agent, one offer each
 *   (`${itemId}:${attempt}:${agentId}`, `attempt` = the round). Broadcast offers do not count
 *   against the one-inbound-offer rule. An agent who becomes eligible while a round is open joins
 *   it (unless already offered in it, or passed); a new round starts once no offer of the item is
 *   open (all declined, expired or withdrawn).
 * - An agent can be offered work when they are in the queue, available, a WebACD agent (Q-1),
 *   below their maximum load (SES-3) and hold every skill the item needs at its level (RT-3).
 *   A hand-over to named agents goes to those agents only.
 * - Among those, the agent idle longest goes first (RT-1; `idleSince`: last availability change,
 *   offer end or accept); ties go to the agent listed first in the queue.
 * - An agent who declined an item, or let its offer expire, is skipped for that item until
 *   every agent who could take it has passed once; then a new round starts (for a hand-over,
 *   a new round goes to every eligible agent who has not passed, or to all when all have).
 * - An item no agent can take (RT-4) waits; it costs nothing per decision: the line is indexed by
 *   required skills, and a skill set no free agent holds is passed over whole.
 *
 * Cost: O(agents + skill sets + items offered or passed) per decision, independent of how many
 * items wait (the line is read from the front and only as far as free agents last).
 */
import { assertNever } from '../shared/decider.js';
import type { AgentFacts } from './queue.commands.js';
import type { OfferReason, RequiredSkill } from './queue.events.js';
import { eligibleAgentsOf, type HandOverItem, offeredInRound, type OpenQueue, type QueueState, type WaitingItem } from './queue.state.js';

export interface PlannedOffer {
  readonly offerId: string;
  readonly itemId: string;
  readonly agentId: string;
  /** Inbound: the item's offer count after this one. Hand-over: the broadcast round this offer belongs to. */
  readonly attempt: number;
  /** Why this agent (RT-5). */
  readonly why: OfferReason;
}

/** The offer id for an inbound item's nth offer: deterministic, so a re-run decides the same ids. */
export const offerIdFor = (itemId: string, attempt: number) => `${itemId}:${attempt}`;
/** The offer id of a hand-over's offer to one agent in round `attempt`: deterministic, unique per (item, round, agent). */
export const broadcastOfferIdFor = (itemId: string, attempt: number, agentId: string) => `${itemId}:${attempt}:${agentId}`;

/** RT-3: the agent holds every required skill at its level or above. */
export function hasSkills(facts: AgentFacts | undefined, required: readonly RequiredSkill[]): boolean {
  if (required.length === 0) return true;
  const skills = facts?.skills;
  return !!skills && required.every((r) => (skills.get(r.skill) ?? 0) >= r.minLevel);
}

/**
 * Who gets offered what now. `extraLoad`: sessions the decision itself just gave an agent
 * (an accept), which the facts resolved before the command do not count yet.
 */
export function planOffers(q: OpenQueue, facts: ReadonlyMap<string, AgentFacts>, extraLoad: ReadonlyMap<string, number> = new Map()): readonly PlannedOffer[] {
  // Agents able to take work, in idle order (longest idle first), and those of them free for an
  // inbound offer. One pass over the agents; nothing here reads the line.
  const able: string[] = [];
  const free: string[] = [];
  for (const [agentId, slot] of q.agents) {
    if (!slot.available) continue;
    const f = facts.get(agentId);
    if (!f || !f.webacdAgent || f.liveLoad + (extraLoad.get(agentId) ?? 0) >= f.maxLoad) continue;
    able.push(agentId);
    if (!q.inboundOfferOf.has(agentId)) free.push(agentId);
  }
  const ableSet = new Set(able);
  const taken = new Set<string>();
  const plans: PlannedOffer[] = [];

  // Sources in line order: hand-overs (always looked at: they do not use up free agents) and one
  // cursor per skill set of inbound items with at least one free agent who holds the skills.
  const cursors: Cursor[] = [];
  const add = (c: Cursor) => c.head && cursors.push(c);
  if (q.handOvers.size > 0) add(cursor(q, q.handOvers.keys(), null));
  if (free.length > 0) {
    for (const [, ids] of q.inboundBySkills) {
      const first = q.waiting.get(ids.keySeq().first()!);
      if (!first) continue;
      const ableWithSkills = able.filter((id) => hasSkills(facts.get(id), first.requiredSkills));
      if (!ableWithSkills.some((id) => !q.inboundOfferOf.has(id))) continue; // RT-4: nobody free can take this skill set
      add(cursor(q, ids.keys(), ableWithSkills));
    }
  }
  while (cursors.length > 0) {
    // The cursor whose next item has waited longest.
    let next = 0;
    for (let i = 1; i < cursors.length; i++) if (cursors[i]!.head!.seq < cursors[next]!.head!.seq) next = i;
    const current = cursors[next]!;
    const item = current.head!;
    advance(current);
    if (!current.head) cursors.splice(next, 1);
    switch (item.kind) {
      case 'hand_over': {
        const pool = eligibleAgentsOf(q, item).filter((id) => ableSet.has(id) && hasSkills(facts.get(id), item.requiredSkills));
        plans.push(
          ...broadcast(
            q,
            facts,
            item,
            pool,
            [...(q.offersOfItem.get(item.itemId)?.keys() ?? [])].map((id) => q.offers.get(id)!.agentId),
          ),
        );
        break;
      }
      case 'inbound': {
        const pool = current.pool!;
        const roundOver = item.passedBy.length > 0 && pool.every((id) => item.passedBy.includes(id));
        const agentId = pickAgent(q, pool, (id) => !q.inboundOfferOf.has(id) && !taken.has(id) && (roundOver || !item.passedBy.includes(id)));
        if (agentId !== undefined) {
          taken.add(agentId);
          const attempt = item.attempts + 1;
          const candidates = pool.filter((id) => !q.inboundOfferOf.has(id) && !taken.has(id)).length + 1;
          plans.push({ offerId: offerIdFor(item.itemId, attempt), itemId: item.itemId, agentId, attempt, why: reason(q, facts, 'longest_idle', agentId, item, candidates) });
          // This skill set has nobody free left: the rest of its line waits.
          if (!pool.some((id) => !q.inboundOfferOf.has(id) && !taken.has(id))) {
            const at = cursors.indexOf(current);
            if (at >= 0) cursors.splice(at, 1);
          }
        }
        if (free.every((id) => taken.has(id))) {
          // Nobody free at all: only hand-overs may still be offered.
          for (let i = cursors.length - 1; i >= 0; i--) if (cursors[i]!.pool !== null) cursors.splice(i, 1);
        }
        break;
      }
      default:
        return assertNever(item);
    }
  }
  return plans;
}

/** A reader of one line (hand-overs, or inbound items of one skill set), skipping items already offered. */
interface Cursor {
  readonly q: OpenQueue;
  readonly ids: Iterator<string>;
  /** Inbound: the agents able to take this skill set, in idle order. Hand-overs: null. */
  readonly pool: readonly string[] | null;
  head: WaitingItem | undefined;
}

function cursor(q: OpenQueue, ids: Iterator<string>, pool: readonly string[] | null): Cursor {
  const c: Cursor = { q, ids, pool, head: undefined };
  advance(c);
  return c;
}

function advance(c: Cursor): void {
  for (let r = c.ids.next(); !r.done; r = c.ids.next()) {
    const item = c.q.waiting.get(r.value);
    // An inbound item with an open offer waits for its answer (at most one per agent are skipped).
    if (item && (c.pool === null || !c.q.offersOfItem.has(item.itemId))) {
      c.head = item;
      return;
    }
  }
  c.head = undefined;
}

/**
 * Q-5 broadcast of a hand-over to the eligible agents `pool` (queue order); `holdingOffers`: the
 * agents holding an open offer of it. While a round is open,
 * only agents not yet offered in it (and not passed) join it; otherwise a new round starts, to the
 * agents who have not passed, or to all when every one has.
 */
function broadcast(q: OpenQueue, facts: ReadonlyMap<string, AgentFacts>, item: HandOverItem, pool: readonly string[], holdingOffers: readonly string[]): readonly PlannedOffer[] {
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
  return agents.map((agentId) => ({
    offerId: broadcastOfferIdFor(item.itemId, attempt, agentId),
    itemId: item.itemId,
    agentId,
    attempt,
    why: reason(q, facts, 'broadcast', agentId, item, agents.length),
  }));
}

/**
 * RT-1: the agent idle longest among those `pool` agents (idle order) that `fits`; equal
 * `idleSince` goes to the one listed first in the queue. Reads from the front of the idle order.
 */
function pickAgent(q: OpenQueue, pool: readonly string[], fits: (agentId: string) => boolean): string | undefined {
  switch (q.routing) {
    case 'longest_idle': {
      let best: string | undefined;
      let bestIdle = 0;
      for (const id of pool) {
        if (!fits(id)) continue;
        const idle = Date.parse(q.agents.get(id)?.idleSince ?? '');
        if (best === undefined || idle < bestIdle) {
          best = id;
          bestIdle = idle;
          continue;
        }
        if (idle > bestIdle) break; // the idle order: nobody further on was idle longer
        if (q.agentIds.indexOf(id) < q.agentIds.indexOf(best)) best = id;
      }
      return best;
    }
    default:
      return assertNever(q.routing);
  }
}

function reason(q: OpenQueue, facts: ReadonlyMap<string, AgentFacts>, rule: OfferReason['rule'], agentId: string, item: WaitingItem, candidates: number): OfferReason {
  const skills = facts.get(agentId)?.skills;
  return {
    rule,
    idleSince: q.agents.get(agentId)?.idleSince ?? '',
    candidates,
    requiredSkills: item.requiredSkills,
    agentSkills: item.requiredSkills.map((r) => ({ skill: r.skill, level: skills?.get(r.skill) ?? 0 })),
  };
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
  let available = 0;
  for (const slot of state.agents.values()) if (slot.available) available++;
  let position = state.waiting.size + 1;
  let waited = 0;
  if (itemId !== undefined) {
    const item = state.waiting.get(itemId);
    if (!item) return null;
    position = positionInLine(state, item);
    waited = now.getTime() - Date.parse(item.enqueuedAt);
  }
  return estimateWait(state.recentWaitsMs, position, available, waited);
}

/**
 * The wait estimate's formula, shared by the decider's readers and the statistics: the average of
 * `recentWaitsMs` times `position`, shared among `available` agents, less `waitedMs`; null without history.
 */
export function estimateWait(recentWaitsMs: readonly number[], position: number, available: number, waitedMs = 0): number | null {
  if (recentWaitsMs.length === 0) return null;
  const average = recentWaitsMs.reduce((sum, ms) => sum + ms, 0) / recentWaitsMs.length;
  return Math.max(0, Math.round((average * position) / Math.max(1, available) - waitedMs));
}

/** 1-based place of a waiting item in the line. O(1) for an item just enqueued (the usual caller). */
export function positionInLine(q: OpenQueue, item: WaitingItem): number {
  const last = q.waiting.last();
  if (last?.itemId === item.itemId) return q.waiting.size;
  let position = 1;
  for (const other of q.waiting.values()) {
    if (other.itemId === item.itemId) return position;
    position++;
  }
  return position;
}
