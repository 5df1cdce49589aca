import { Body, Controller, Get, HttpCode, HttpException, Inject, Ip, Param, Post, Put } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../../application/identity/principal.js';
import { WebAcdService } from '../../application/webacd/webacd.service.js';
import { notFound } from '../../domain/shared/domain-error.js';
import type { AppConfig } from '../../infrastructure/config/app-config.js';
import { CurrentPrincipal, Public, Roles } from '../auth/auth.decorators.js';
import { toSession } from '../sessions/session.types.js';
import { RateLimiter } from './rate-limit.js';
import { AvailabilityBody, ConfigureQueueArgs, CreateQueueArgs, InboundRequestBody, InboundTicket, toOffer, toQueue } from './webacd.types.js';

/** SES-2 / Q-6: the public help form. No token; limited per client address. */
@ApiTags('webacd')
@Controller('api/v1/inbound')
export class InboundController {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly webacd: WebAcdService,
    @Inject(ConfigService) config: ConfigService,
  ) {
    this.limiter = new RateLimiter(config.get<AppConfig>('app')!.inboundRatePerMinute);
  }

  @Public()
  @Post()
  @ApiOperation({ summary: 'A customer asks for help from a web page and joins the queue' })
  async requestHelp(@Ip() ip: string, @Body() body: InboundRequestBody): Promise<InboundTicket> {
    const retryAfter = this.limiter.take(ip);
    if (retryAfter > 0) throw new HttpException({ message: `too many help requests from this address; try again in ${retryAfter} s`, code: 'RATE_LIMITED' }, 429);
    return this.webacd.requestHelp(body);
  }

  @Roles('customer')
  @Post(':queueId/:itemId/leave')
  @HttpCode(204)
  @ApiBearerAuth()
  async leave(@CurrentPrincipal() p: Principal, @Param('queueId') queueId: string, @Param('itemId') itemId: string): Promise<void> {
    await this.webacd.leaveQueue(p, queueId, itemId);
  }
}

@ApiTags('webacd')
@ApiBearerAuth()
@Controller('api/v1/queues')
export class QueuesController {
  constructor(private readonly webacd: WebAcdService) {}

  @Roles('csr', 'supervisor', 'admin')
  @Get()
  async list() {
    return (await this.webacd.list()).map((q) => toQueue(q));
  }

  @Roles('csr')
  @Get('offers/mine')
  @ApiOperation({ summary: 'Items offered to the calling agent' })
  async myOffers(@CurrentPrincipal() p: Principal) {
    return (await this.webacd.offersFor(p.userId)).map(toOffer);
  }

  @Roles('csr', 'supervisor', 'admin')
  @Get(':queueId')
  async get(@Param('queueId') queueId: string) {
    const queue = await this.webacd.queue(queueId);
    if (!queue) throw notFound('QUEUE_NOT_FOUND', `no queue ${queueId}`);
    return toQueue(queue);
  }

  @Roles('admin')
  @Post()
  async create(@CurrentPrincipal() p: Principal, @Body() body: CreateQueueArgs) {
    const { view } = await this.webacd.createQueue(p, body);
    return toQueue(view);
  }

  @Roles('admin')
  @Post(':queueId/configure')
  @HttpCode(200)
  async configure(@CurrentPrincipal() p: Principal, @Param('queueId') queueId: string, @Body() body: ConfigureQueueArgs) {
    const { view } = await this.webacd.configureQueue(p, queueId, body);
    return toQueue(view);
  }

  @Roles('admin')
  @Post(':queueId/close')
  @HttpCode(200)
  async close(@CurrentPrincipal() p: Principal, @Param('queueId') queueId: string) {
    const { view } = await this.webacd.closeQueue(p, queueId);
    return toQueue(view);
  }

  @Roles('csr', 'admin')
  @Put(':queueId/availability')
  @ApiOperation({ summary: 'Q-1: a WebACD agent is available or away in this queue' })
  async availability(@CurrentPrincipal() p: Principal, @Param('queueId') queueId: string, @Body() body: AvailabilityBody) {
    const { view } = await this.webacd.setAvailability(p, queueId, body.available);
    return toQueue(view);
  }

  @Roles('csr')
  @Post(':queueId/offers/:offerId/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Q-5: take the offered item; answers with the session' })
  async accept(@CurrentPrincipal() p: Principal, @Param('queueId') queueId: string, @Param('offerId') offerId: string) {
    return toSession(await this.webacd.accept(p, queueId, offerId));
  }

  @Roles('csr')
  @Post(':queueId/offers/:offerId/decline')
  @HttpCode(204)
  async decline(@CurrentPrincipal() p: Principal, @Param('queueId') queueId: string, @Param('offerId') offerId: string): Promise<void> {
    await this.webacd.decline(p, queueId, offerId);
  }
}
