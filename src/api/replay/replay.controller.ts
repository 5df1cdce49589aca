import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../../application/identity/principal.js';
import { ReplayService } from '../../application/replay/replay.service.js';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators.js';
import { toSession } from '../sessions/session.types.js';
import { HistoryPageArgs, pointOf, PointInTimeArgs, toChain } from './replay.types.js';
import { QUEUE_HISTORY, QUEUE_STATE_AT, SESSION_HISTORY, SESSION_STATE_AT } from '../openapi/rest-responses.js';

/** RPT-2 over REST: the same history and point-in-time states as GraphQL, with the state as JSON. */
@ApiTags('replay')
@ApiBearerAuth()
@Controller('api/v1')
export class ReplayController {
  constructor(private readonly replay: ReplayService) {}

  @Get('sessions/:id/history')
  @ApiOperation({ summary: "A session's events with the state after each (RPT-2)" })
  @ApiOkResponse({ schema: SESSION_HISTORY })
  async sessionHistory(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Query() { offset, limit }: HistoryPageArgs) {
    const history = await this.replay.sessionHistory(p, id, { offset, limit });
    return {
      items: history.items.map(({ view, ...item }) => ({ ...item, session: toSession(view) })),
      total: history.total,
      chain: toChain(history.chain),
    };
  }

  @Get('sessions/:id/state')
  @ApiOperation({ summary: 'The session after a version (?version=) or at a time (?at=ISO-8601) (RPT-2)' })
  @ApiOkResponse({ schema: SESSION_STATE_AT })
  async sessionStateAt(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Query() point: PointInTimeArgs) {
    const { view, chain, ...at } = await this.replay.sessionStateAt(p, id, pointOf(point));
    return { ...at, session: toSession(view), chain: toChain(chain) };
  }

  @Roles('supervisor', 'admin')
  @Get('queues/:id/history')
  @ApiOperation({ summary: "A queue's events with the state after each (RPT-2)" })
  @ApiOkResponse({ schema: QUEUE_HISTORY })
  async queueHistory(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Query() { offset, limit }: HistoryPageArgs) {
    const history = await this.replay.queueHistory(p, id, { offset, limit });
    return { items: history.items, total: history.total, chain: toChain(history.chain) };
  }

  @Roles('supervisor', 'admin')
  @Get('queues/:id/state')
  @ApiOperation({ summary: 'The queue after a version (?version=) or at a time (?at=ISO-8601) (RPT-2)' })
  @ApiOkResponse({ schema: QUEUE_STATE_AT })
  async queueStateAt(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Query() point: PointInTimeArgs) {
    const { chain, ...at } = await this.replay.queueStateAt(p, id, pointOf(point));
    return { ...at, chain: toChain(chain) };
  }
}
