import { Controller, Get, Inject } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Field, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../../application/identity/principal.js';
import { iceServersFor } from '../../application/media/ice-servers.js';
import type { AppConfig } from '../../infrastructure/config/app-config.js';
import { CurrentPrincipal } from '../auth/auth.decorators.js';

@ObjectType('IceServer')
class IceServerView {
  @Field(() => [String]) urls: string[];
  @Field({ nullable: true }) username?: string;
  @Field({ nullable: true }) credential?: string;
}

@ObjectType('IceServers')
class IceServersView {
  @Field(() => [IceServerView]) iceServers: IceServerView[];
  @Field(() => String, { nullable: true, description: 'When the TURN credentials lapse; ask again before' }) expiresAt: string | null;
}

function forCaller(config: ConfigService, principal: Principal) {
  const { iceServers, expiresAt } = iceServersFor(config.get<AppConfig>('app')!.ice, principal.userId, new Date());
  return { iceServers: iceServers.map((s) => ({ ...s, urls: [...s.urls] })), expiresAt };
}

/** STUN/TURN for the caller's peer connections, with short-lived TURN credentials. */
@ApiTags('media')
@ApiBearerAuth()
@Controller('api/v1/ice-servers')
export class IceServersController {
  constructor(@Inject(ConfigService) private readonly config: ConfigService) {}

  @Get()
  @ApiOperation({ summary: "STUN/TURN for the caller's peer connections, with short-lived TURN credentials" })
  @ApiOkResponse({ type: IceServersView })
  get(@CurrentPrincipal() principal: Principal) {
    return forCaller(this.config, principal);
  }
}

@Resolver(() => IceServersView)
export class IceServersResolver {
  constructor(@Inject(ConfigService) private readonly config: ConfigService) {}

  @Query(() => IceServersView)
  iceServers(@CurrentPrincipal() principal: Principal) {
    return forCaller(this.config, principal);
  }
}
