import { BadRequestException, Injectable, NotFoundException, type Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Principal } from '../../application/identity/principal.js';
import { type QueueCommandType, WebAcdService } from '../../application/webacd/webacd.service.js';
import { AvailabilityArgs, ConfigureQueueArgs, LeaveQueueArgs, OfferArgs, QueueIdArgs, type QueueModel, toQueue } from './webacd.types.js';

/** Per queue command: its arguments, the command data built from them, and what the caller gets back. */
interface QueueCommandSpec {
  readonly args: Type<QueueIdArgs>;
  readonly data: (args: never, principal: Principal) => Record<string, unknown>;
  /** 'queue': the queue's view once projected (read-your-writes); 'done': true. */
  readonly answer: 'queue' | 'done';
}

const spec = <A extends QueueIdArgs>(args: Type<A>, answer: QueueCommandSpec['answer'], data: (a: A, p: Principal) => Record<string, unknown>): QueueCommandSpec => ({
  args,
  answer,
  data: data as QueueCommandSpec['data'],
});

/**
 * The table of queue commands a client sends (GraphQL mutations and REST alike), like the
 * session's. Creating a queue (its id is generated) and accepting an offer (it answers with the
 * session) have their own paths; the timers' and reactions' commands are the system's.
 */
export const QUEUE_COMMANDS = {
  ConfigureQueue: spec(ConfigureQueueArgs, 'queue', ({ queueId: _queueId, ...changes }) => ({ ...changes })),
  CloseQueue: spec(QueueIdArgs, 'queue', () => ({})),
  SetAgentAvailability: spec(AvailabilityArgs, 'queue', (a, p) => ({ agentId: a.agentId ?? p.userId, available: a.available })),
  DeclineOffer: spec(OfferArgs, 'done', (a, p) => ({ offerId: a.offerId, agentId: p.userId })),
  LeaveQueue: spec(LeaveQueueArgs, 'done', (a) => ({ itemId: a.itemId })),
  RouteWaitingItems: spec(QueueIdArgs, 'queue', () => ({})),
} satisfies Partial<Record<QueueCommandType, QueueCommandSpec>>;

export type QueueCommandName = keyof typeof QUEUE_COMMANDS;

/** REST names: `configure-queue`, `decline-offer`, ... */
export const REST_QUEUE_COMMANDS: ReadonlyMap<string, QueueCommandName> = new Map(
  (Object.keys(QUEUE_COMMANDS) as QueueCommandName[]).map((type) => [type.replace(/(?<!^)([A-Z])/g, '-$1').toLowerCase(), type] as const),
);

/** Runs a queue command from validated arguments; the resolver's and controller's one line. */
@Injectable()
export class QueueCommands {
  constructor(private readonly webacd: WebAcdService) {}

  async run(principal: Principal, type: QueueCommandName, args: QueueIdArgs): Promise<QueueModel | true> {
    const command: QueueCommandSpec = QUEUE_COMMANDS[type];
    const outcome = await this.webacd.execute(principal, args.queueId, type, command.data(args as never, principal) as never);
    if (command.answer === 'done') return true;
    return toQueue(await this.webacd.answer(principal, args.queueId, outcome));
  }

  /** REST: `POST /api/v1/queues/:queueId/commands/:name` with the arguments as the body. */
  async runNamed(principal: Principal, queueId: string, name: string, body: unknown): Promise<QueueModel | true> {
    const type = REST_QUEUE_COMMANDS.get(name);
    if (!type) throw new NotFoundException({ message: `no queue command is called ${name}`, code: 'UNKNOWN_COMMAND' });
    const args = plainToInstance(QUEUE_COMMANDS[type].args, { ...(isObject(body) ? body : {}), queueId });
    const errors = await validate(args, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) {
      const messages = errors.flatMap((e) => Object.values(e.constraints ?? { [e.property]: `${e.property} is invalid` }));
      throw new BadRequestException({ message: messages, errors: errors.map((e) => ({ field: e.property, constraints: e.constraints })) });
    }
    return this.run(principal, type, args);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
