import { type CanActivate, type ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { hasRole, type Role } from '../../application/identity/principal.js';
import { TokenVerifier } from '../../infrastructure/identity/jwt.js';
import { PUBLIC_KEY, principalHolder, ROLES_KEY } from './auth.decorators.js';

/**
 * One guard for REST, GraphQL and WebSocket: a bearer token is required unless the handler is
 * @Public(), and @Roles() narrows who may call. Sockets are authenticated once at connect time
 * and carry their principal.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) ?? false;
    const holder = principalHolder(context);
    if (!holder.principal) {
      const token = bearerToken(holder.headers?.authorization);
      if (token) {
        try {
          holder.principal = await this.verifier.verify(token);
        } catch (error) {
          throw new UnauthorizedException(`invalid token: ${(error as Error).message}`);
        }
      }
    }
    if (!holder.principal) {
      if (isPublic) return true;
      throw new UnauthorizedException('a bearer token is required (Authorization: Bearer <token>)');
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !hasRole(holder.principal, ...roles)) throw new ForbiddenException(`this needs one of the roles: ${roles.join(', ')}`);
    return true;
  }
}

export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^Bearer\s+(\S+)$/i.exec(value) : null;
  return match?.[1];
}
