import { Controller, Get } from '@nestjs/common';
import { Field, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../../application/identity/principal.js';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators.js';

@ObjectType('Me')
class MeView {
  @Field() userId: string;
  @Field({ nullable: true }) name?: string;
  @Field(() => [String]) roles: string[];
  @Field() webacdAgent: boolean;
}

const view = (p: Principal): MeView => ({ userId: p.userId, name: p.name, roles: [...p.roles], webacdAgent: p.flags.webacdAgent === true });

/** Who the token says the caller is: lets a client app check its token and show the user. */
@ApiTags('identity')
@ApiBearerAuth()
@Controller('api/v1/me')
export class MeController {
  @Get()
  @ApiOperation({ summary: 'Who the token says the caller is' })
  @ApiOkResponse({ type: MeView, description: 'The caller as the token says' })
  me(@CurrentPrincipal() principal: Principal): MeView {
    return view(principal);
  }

  /** Lets an admin console check its rights before showing the settings pages. */
  @Roles('admin')
  @Get('admin-check')
  @ApiOperation({ summary: 'Whether the caller is an admin (403 otherwise)' })
  @ApiOkResponse({ type: MeView, description: 'The caller is an admin' })
  adminCheck(@CurrentPrincipal() principal: Principal): MeView {
    return view(principal);
  }
}

@Resolver(() => MeView)
export class MeResolver {
  @Query(() => MeView)
  whoami(@CurrentPrincipal() principal: Principal): MeView {
    return view(principal);
  }
}
