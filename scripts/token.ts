/**
 * Prints a bearer token signed with the local secret (JWT_SECRET, or the one the embedded
 * default keeps in DATA_DIR), for trying the API by hand:
 *   npm run token -- --role csr --user alice [--name "Alice"] [--flag webacdAgent] [--expires 12h]
 * Every token carries `exp` (default 12h, at most JWT_MAX_TTL).
 */
import { decodeJwt } from 'jose';
import { type Role, ROLES } from '../src/application/identity/principal.js';
import { loadConfig, localJwtSecret } from '../src/infrastructure/config/app-config.js';
import { signToken } from '../src/infrastructure/identity/jwt.js';

function parse(argv: string[]) {
  const roles: Role[] = [];
  const flags: Record<string, boolean> = {};
  let user: string | undefined;
  let name: string | undefined;
  let expires = '12h';
  for (let i = 0; i < argv.length; i++) {
    const [key, value] = [argv[i], argv[i + 1]];
    const next = () => {
      if (value === undefined) throw new Error(`${key} needs a value`);
      i++;
      return value;
    };
    switch (key) {
      case '--role':
        for (const role of next().split(',')) {
          if (!(ROLES as readonly string[]).includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')} (got ${role})`);
          roles.push(role as Role);
        }
        break;
      case '--user':
        user = next();
        break;
      case '--name':
        name = next();
        break;
      case '--flag':
        flags[next()] = true;
        break;
      case '--expires':
        expires = next();
        break;
      default:
        throw new Error(`unknown option ${key}; use --role, --user, --name, --flag, --expires`);
    }
  }
  if (!user) throw new Error('--user is required');
  if (roles.length === 0) throw new Error(`--role is required (${ROLES.join(', ')})`);
  return { user, name, roles, flags, expires };
}

try {
  const args = parse(process.argv.slice(2));
  const config = loadConfig(process.env);
  if (config.jwt.jwksUrl) throw new Error('JWT_JWKS_URL is set: tokens come from your identity provider, not from here');
  const token = await signToken(
    localJwtSecret(config),
    { sub: args.user, roles: args.roles, name: args.name, flags: args.flags },
    {
      expiresIn: args.expires,
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
    },
  );
  // The server refuses a token that runs longer than JWT_MAX_TTL: say so here rather than there.
  const { exp } = decodeJwt(token);
  if (exp === undefined || exp - Date.now() / 1000 > config.jwt.maxTtlSeconds) {
    throw new Error(`--expires ${args.expires} is longer than JWT_MAX_TTL (${config.jwt.maxTtlSeconds} s)`);
  }
  process.stdout.write(`${token}\n`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
