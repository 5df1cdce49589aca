import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { claimsOf, rest } from './rest';

/** How this server lets consoles sign in (GET /api/v1/auth/config). */
export interface SignInConfig {
  localSignIn: boolean;
  oidc: { authority: string; clientId: string; scope: string } | null;
}

export interface ConsoleUser {
  token: string;
  userId: string;
  name?: string;
  roles: string[];
  flags: Record<string, boolean>;
  via: 'local' | 'oidc';
}

const KEY = 'tandem.console';

export const signInConfig = () => rest<SignInConfig>('/api/v1/auth/config');

export function loadUser(): ConsoleUser | undefined {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return undefined;
  const user = JSON.parse(raw) as ConsoleUser;
  const exp = claimsOf(user.token).exp;
  return exp && exp * 1000 < Date.now() ? undefined : user;
}

export function saveUser(user: ConsoleUser | undefined) {
  if (user) sessionStorage.setItem(KEY, JSON.stringify(user));
  else sessionStorage.removeItem(KEY);
}

function userOf(token: string, via: ConsoleUser['via']): ConsoleUser {
  const c = claimsOf(token);
  return { token, userId: c.sub, name: c.name, roles: c.roles ?? [], flags: c.flags ?? {}, via };
}

/** The embedded default's local sign-in (development): the server mints a token for what is typed. */
export async function signInLocally(userId: string, name: string, roles: string[], flags: Record<string, boolean>): Promise<ConsoleUser> {
  const { token } = await rest<{ token: string }>('/api/v1/auth/local', { body: { userId, name: name || undefined, roles, flags } });
  const user = userOf(token, 'local');
  saveUser(user);
  return user;
}

/** OpenID Connect (authorization code + PKCE) against the identity provider with oidc-client-ts. */
export function oidcManager(config: NonNullable<SignInConfig['oidc']>): UserManager {
  return new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: `${location.origin}/console/callback`,
    post_logout_redirect_uri: `${location.origin}/console`,
    response_type: 'code',
    scope: config.scope,
    userStore: new WebStorageStateStore({ store: sessionStorage }),
  });
}

/** Finishes the redirect back from the provider; the access token (a JWT) is the console's bearer token. */
export async function completeOidc(config: NonNullable<SignInConfig['oidc']>): Promise<ConsoleUser> {
  const result = await oidcManager(config).signinRedirectCallback();
  const user = userOf(result.access_token, 'oidc');
  if (!user.name && result.profile?.name) user.name = String(result.profile.name);
  saveUser(user);
  return user;
}
