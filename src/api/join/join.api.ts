import { Body, Controller, ForbiddenException, Get, HttpCode, HttpException, Inject, Ip, Post } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsObject, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { type Principal, ROLES, type Role } from '../../application/identity/principal.js';
import { type CustomerCredential, CustomerAccessService } from '../../application/sessions/customer-access.service.js';
import { LOOKUP_LIMITER, type LookupLimiter } from '../../application/sessions/lookup-limiter.port.js';
import { type AppConfig, localJwtSecret } from '../../infrastructure/config/app-config.js';
import { signToken } from '../../infrastructure/identity/jwt.js';
import { CurrentPrincipal, Public, Roles } from '../auth/auth.decorators.js';
import { CUSTOMER_CREDENTIAL, LOCAL_TOKEN, SIGN_IN_CONFIG } from '../openapi/rest-responses.js';

export class JoinByNumberBody {
  @ApiProperty({ example: '123 456 789' }) @IsString() @MaxLength(40) number: string;
  @ApiProperty({ example: 'Dana' }) @IsString() @MinLength(1) @MaxLength(400) displayName: string;
}

export class RedeemInvitationBody {
  @ApiProperty({ description: "The token in an emailed invitation link's fragment (#invitation=...)" }) @IsString() @MaxLength(2000) invitationToken: string;
  @ApiProperty({ example: 'Dana' }) @IsString() @MinLength(1) @MaxLength(400) displayName: string;
}

export class LocalSignInBody {
  @ApiProperty({ example: 'alice' }) @IsString() @Matches(/^[A-Za-z0-9._@-]{1,100}$/, { message: 'userId must be 1 to 100 letters, digits or . _ @ -' }) userId: string;
  @ApiProperty({ example: 'Alice' }) @IsOptional() @IsString() @MaxLength(100) name?: string;
  @ApiProperty({ example: ['csr'] }) @IsArray() @ArrayMaxSize(5) @IsIn(ROLES.filter((r) => r !== 'customer'), { each: true }) roles: Role[];
  @ApiProperty({ required: false, example: { webacdAgent: true } }) @IsOptional() @IsObject() flags?: Record<string, boolean>;
}

/**
 * Customers without an account (INV-3, INV-4): a display name and the number, or an emailed
 * invitation's single-use token, buy a short-lived credential for that one session. Public, and
 * spending the address's number-lookup budget, so the number space cannot be walked.
 */
@ApiTags('join')
@Controller('api/v1/join')
export class JoinController {
  constructor(
    @Inject(CustomerAccessService) private readonly access: CustomerAccessService,
    @Inject(LOOKUP_LIMITER) private readonly lookups: LookupLimiter,
  ) {}

  @Public()
  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'INV-4: join by the session number with a display name; answers with a session credential' })
  @ApiOkResponse({ schema: CUSTOMER_CREDENTIAL })
  @ApiTooManyRequestsResponse({ description: 'Too many join attempts from this address (RATE_LIMITED)' })
  async byNumber(@Ip() ip: string, @Body() body: JoinByNumberBody): Promise<CustomerCredential> {
    await this.limit(ip);
    return this.access.joinByNumber(body.number, body.displayName);
  }

  @Public()
  @Post('invitation')
  @HttpCode(200)
  @ApiOperation({ summary: "INV-3: exchange an emailed invitation's single-use token for a session credential" })
  @ApiOkResponse({ schema: CUSTOMER_CREDENTIAL })
  @ApiTooManyRequestsResponse({ description: 'Too many join attempts from this address (RATE_LIMITED)' })
  async byInvitation(@Ip() ip: string, @Body() body: RedeemInvitationBody): Promise<CustomerCredential> {
    await this.limit(ip);
    return this.access.redeemInvitation(body.invitationToken, body.displayName);
  }

  @Roles('customer')
  @Post('refresh')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'A fresh credential while the customer is still in the session (call before `expiresAt`)' })
  @ApiOkResponse({ schema: CUSTOMER_CREDENTIAL })
  refresh(@CurrentPrincipal() p: Principal): Promise<CustomerCredential> {
    return this.access.refresh(p);
  }

  /** The number-lookup budget (NUMBER_LOOKUP_RATE_PER_MINUTE) of this address, shared across nodes; 429 with Retry-After past it. */
  private async limit(ip: string) {
    const retryAfter = await this.lookups.take(`anonymous-join:${ip}`, ip);
    if (retryAfter > 0) throw new HttpException({ message: `too many join attempts from this address; try again in ${retryAfter} s`, code: 'RATE_LIMITED', retryAfter }, 429);
  }
}

/**
 * The consoles' local sign-in on the embedded default (development): whoever calls names their
 * user id and roles. Off with JWT_JWKS_URL (sign in at the identity provider) or LOCAL_SIGN_IN=off.
 */
@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthConfigController {
  private readonly config: AppConfig;

  constructor(@Inject(ConfigService) config: ConfigService) {
    this.config = config.get<AppConfig>('app')!;
  }

  @Public()
  @Get('config')
  @ApiOperation({ summary: 'How the consoles sign in: local (development) and/or OpenID Connect' })
  @ApiOkResponse({ schema: SIGN_IN_CONFIG })
  signInConfig() {
    return {
      localSignIn: this.config.localSignIn,
      oidc: this.config.oidc ?? null,
    };
  }

  @Public()
  @Post('local')
  @HttpCode(200)
  @ApiOperation({ summary: 'Development sign-in: a token for the named user and roles (LOCAL_SIGN_IN)' })
  @ApiOkResponse({ schema: LOCAL_TOKEN })
  async local(@Body() body: LocalSignInBody): Promise<{ token: string; local: true }> {
    if (!this.config.localSignIn)
      throw new ForbiddenException({ message: 'local sign-in is turned off on this server; sign in through the identity provider', code: 'LOCAL_SIGN_IN_DISABLED' });
    const flags = Object.fromEntries(Object.entries(body.flags ?? {}).filter(([, v]) => typeof v === 'boolean'));
    const token = await signToken(
      localJwtSecret(this.config),
      { sub: body.userId, roles: body.roles, name: body.name, flags },
      { expiresIn: '12h', issuer: this.config.jwt.issuer, audience: this.config.jwt.audience },
    );
    return { token, local: true };
  }
}
