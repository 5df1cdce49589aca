import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { Args, Field, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, OmitType } from '@nestjs/swagger';
import type { Principal } from '../../application/identity/principal.js';
import { SessionService } from '../../application/sessions/session.service.js';
import type { SettingsState } from '../../domain/settings/index.js';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators.js';
import { SiteSettingsArgs, UserSettingsArgs } from '../webacd/webacd.types.js';

@ObjectType('SiteSettings', { description: 'ADM-1: applies to sessions started after a change' })
class SiteSettingsView {
  @Field() webacdEnabled: boolean;
  @Field() coBrowsingEnabled: boolean;
  @Field() autoRecord: boolean;
  @Field(() => Int) maxCustomers: number;
  @Field() multiSessionAllowed: boolean;
  @Field(() => Int, { description: 'Days stored recordings are kept' }) recordingRetentionDays: number;
  @Field(() => Int, { description: 'Days stored files are kept' }) fileRetentionDays: number;
}

/** The REST body: the user comes from the path. */
class UserSettingsBody extends OmitType(UserSettingsArgs, ['userId'] as const) {}

const site = (state: SettingsState): SiteSettingsView => ({ ...state.site });

/** ADM-1 / CON-1: the admin's site and user settings. */
@Resolver(() => SiteSettingsView)
export class SettingsResolver {
  constructor(private readonly sessions: SessionService) {}

  @Roles('admin', 'supervisor')
  @Query(() => SiteSettingsView)
  async siteSettings() {
    return site(await this.sessions.settings());
  }

  @Roles('admin')
  @Mutation(() => SiteSettingsView)
  async changeSiteSettings(@CurrentPrincipal() p: Principal, @Args() changes: SiteSettingsArgs) {
    return site(await this.sessions.changeSettings(p, { type: 'ChangeSiteSettings', data: { ...changes } }));
  }

  @Roles('admin')
  @Mutation(() => Boolean)
  async changeUserSettings(@CurrentPrincipal() p: Principal, @Args() { userId, ...changes }: UserSettingsArgs) {
    await this.sessions.changeSettings(p, { type: 'ChangeUserSettings', data: { userId, ...changes } });
    return true;
  }
}

@ApiTags('settings')
@ApiBearerAuth()
@Controller('api/v1/settings')
export class SettingsController {
  constructor(private readonly sessions: SessionService) {}

  @Roles('admin', 'supervisor')
  @Get()
  @ApiOperation({ summary: 'ADM-1: the site settings' })
  @ApiOkResponse({ type: SiteSettingsView })
  async get() {
    return site(await this.sessions.settings());
  }

  @Roles('admin')
  @Post('site')
  @HttpCode(200)
  @ApiOperation({ summary: 'ADM-1: change site settings (sessions started after it follow them)' })
  @ApiOkResponse({ type: SiteSettingsView })
  async changeSite(@CurrentPrincipal() p: Principal, @Body() changes: SiteSettingsArgs) {
    return site(await this.sessions.changeSettings(p, { type: 'ChangeSiteSettings', data: { ...changes } }));
  }

  @Roles('admin')
  @Post('users/:userId')
  @HttpCode(204)
  @ApiOperation({ summary: "CON-1: change a user's settings" })
  @ApiNoContentResponse({ description: 'Changed' })
  async changeUser(@CurrentPrincipal() p: Principal, @Param('userId') userId: string, @Body() changes: UserSettingsBody): Promise<void> {
    await this.sessions.changeSettings(p, { type: 'ChangeUserSettings', data: { userId, ...changes } });
  }
}
