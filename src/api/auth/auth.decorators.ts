import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Principal, Role } from '../../application/identity/principal.js';

export const PUBLIC_KEY = 'tandem:public';
export const ROLES_KEY = 'tandem:roles';

/** Reachable without a token (health, metrics, the inbound help form). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
/** Only callers holding one of these roles. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** Where a request of any transport keeps its principal. */
export interface PrincipalHolder {
  principal?: Principal;
}

export function principalHolder(context: ExecutionContext): PrincipalHolder & { headers?: Record<string, string | string[] | undefined> } {
  switch (context.getType<'http' | 'graphql' | 'ws' | 'rpc'>()) {
    case 'graphql': {
      const gql = GqlExecutionContext.create(context).getContext<{ req?: PrincipalHolder & { headers?: Record<string, string> }; principal?: Principal }>();
      return gql.req ?? gql;
    }
    case 'ws':
      return context.switchToWs().getClient<PrincipalHolder>();
    default:
      return context.switchToHttp().getRequest();
  }
}

export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = principalHolder(context).principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return principal;
});
