import { Controller, Get, Inject } from '@nestjs/common';
import { Field, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../../application/identity/principal.js';
import { SessionService } from '../../application/sessions/session.service.js';
import { effectiveSettings } from '../../domain/settings/index.js';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators.js';

@ObjectType('Me')
class MeView {
  @ApiProperty() @Field() userId: string;
  @ApiPropertyOptional() @Field({ nullable: true }) name?: string;
  @ApiProperty({ type: [String] }) @Field(() => [String]) roles: string[];
  @ApiProperty({ description: "The token's webacdAgent flag" }) @Field({ description: "The token's webacdAgent flag" }) webacdAgent: boolean;
  @ApiProperty({ enum: ['dashboard', 'compact', 'multi_session'], description: 'CON-1: the console the admin chose for this CSR' })
  @Field({ description: "CON-1: the console the admin chose for this CSR: 'dashboard', 'compact' or 'multi_session'" })
  consoleType: string;
  @ApiProperty({ enum: ['single', 'multi'], description: 'SES-3: multi when the site allows it and the admin gave this CSR the privilege' })
  @Field({ description: "SES-3: 'multi' when the site allows it and the admin gave this CSR the privilege, else 'single'" })
  sessionMode: string;
}

async function view(p: Principal, sessions: SessionService): Promise<MeView> {
  const own = effectiveSettings(await sessions.settings(), p.userId);
  return { userId: p.userId, name: p.name, roles: [...p.roles], webacdAgent: p.flags.webacdAgent === true, consoleType: own.consoleType, sessionMode: own.sessionMode };
}

/** Who the token says the caller is: lets a client app check its token and show the user. */
@ApiTags('identity')
@ApiBearerAuth()
@Controller('api/v1/me')
export class MeController {
  constructor(@Inject(SessionService) private readonly sessions: SessionService) {}

  @Get()
  @ApiOperation({ summary: 'Who the token says the caller is' })
  @ApiOkResponse({ type: MeView, description: 'The caller as the token says' })
  me(@CurrentPrincipal() principal: Principal): Promise<MeView> {
    return view(principal, this.sessions);
  }

  /** Lets an admin console check its rights before showing the settings pages. */
  @Roles('admin')
  @Get('admin-check')
  @ApiOperation({ summary: 'Whether the caller is an admin (403 otherwise)' })
  @ApiOkResponse({ type: MeView, description: 'The caller is an admin' })
  adminCheck(@CurrentPrincipal() principal: Principal): Promise<MeView> {
    return view(principal, this.sessions);
  }
}

@Resolver(() => MeView)
export class MeResolver {
  constructor(@Inject(SessionService) private readonly sessions: SessionService) {}

  @Query(() => MeView)
  whoami(@CurrentPrincipal() principal: Principal): Promise<MeView> {
    return view(principal, this.sessions);
  }
}
