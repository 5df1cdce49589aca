import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as z from 'zod';

/**
 * Tandem's configuration, read from the environment once and validated at start. A bad value
 * stops start-up with one line naming the variable and the rule.
 */
export interface AppConfig {
  readonly port: number;
  readonly host: string;
  /** Absent: the embedded PostgreSQL under `dataDir`. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly redisUrl?: string;
  readonly eventstoreUrl?: string;
  readonly jwt: {
    /** HS256 secret; with neither secret nor JWKS, a local secret kept in `<dataDir>/jwt-secret`. */
    readonly secret?: string;
    readonly jwksUrl?: string;
    readonly issuer?: string;
    readonly audience?: string;
    /** The longest a token may still run when presented: `exp` is required and at most this far ahead (seconds). */
    readonly maxTtlSeconds: number;
    /** How far a clock may be ahead: `iat`/`nbf` later than now plus this are refused (seconds). */
    readonly clockSkewSeconds: number;
  };
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** SES-5: how long a controlling CSR's console may be gone before the session ends. */
  readonly presenceGraceMs: number;
  /** Base of the join links handed out in invitations. */
  readonly publicBaseUrl: string;
  readonly dbPoolSize: number;
  /** Appends on their way to PostgreSQL at once; those that arrive meanwhile go together in one transaction (0: every append alone). */
  readonly appendFlights: number;
  /** Every Tandem connection: longest statement, and longest idle time inside a transaction (ms; issue 12). */
  readonly dbStatementTimeoutMs: number;
  readonly dbIdleInTransactionTimeoutMs: number;
  /** The embedded PostgreSQL: wait before restarting a postmaster that died under us (ms). */
  readonly embeddedRestartDelayMs: number;
  /** WebACD: how long a request may wait in a queue before it is abandoned. */
  readonly webacdMaxWaitMs: number;
  /** The rolling window of the queue statistics (service level, speed of answer, abandonment), ms. */
  readonly webacdStatsWindowMs: number;
  /** The public help form (SES-2): requests per minute per client address. */
  readonly inboundRatePerMinute: number;
  /** How long a node decides on the settings it keeps without reading their stream, when its log reader saw no change (ms). */
  readonly settingsMaxAgeMs: number;
  /** Session-number lookups and joins: per minute, per principal and per client address, across nodes. */
  readonly lookupRatePerMinute: number;
  /** Customers joining without an account (INV-3, INV-4): how long their session credential lasts (it is refreshed while they are present). */
  readonly customerJoin: { readonly credentialTtlSeconds: number };
  /**
   * The consoles' local sign-in (development; anyone may name themselves and their roles):
   * on by default without JWT_JWKS_URL, always off with it. LOCAL_SIGN_IN=off turns it off.
   */
  readonly localSignIn: boolean;
  /** OpenID Connect for the consoles (with JWT_JWKS_URL): the provider (OIDC_AUTHORITY, default JWT_ISSUER) and the consoles' public client id. */
  readonly oidc?: { readonly authority: string; readonly clientId: string; readonly scope: string };
  /** WebRTC: STUN/TURN handed to clients; TURN credentials are minted with the coturn shared secret. */
  /** Readiness (`/health/ready`) fails while a projection's oldest unprocessed event is older than this. */
  readonly readyMaxProjectionLagSeconds: number;
  /** The GraphQL socket (/graphql, graphql-ws): sockets per user and operations per socket, per node. */
  readonly graphqlWs: { readonly socketsPerUser: number; readonly subscriptionsPerSocket: number };
  /**
   * NODE_ENV=development, asked for explicitly: GraphQL stack traces and anonymous
   * introspection. Never the default (`npm start` without NODE_ENV is production behaviour).
   */
  readonly development: boolean;
  /**
   * Recordings and files (issue 16). Uploads stage under `<dataDir>/uploads`; complete bytes go to
   * the blob store: `<dataDir>/blobs` (BLOB_STORE=fs, the default) or an S3-compatible bucket
   * (BLOB_STORE=s3 with S3_BUCKET, S3_ENDPOINT, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY,
   * S3_FORCE_PATH_STYLE).
   */
  readonly files: {
    /** UPLOAD_MAX_BYTES: the largest upload, default 2 GiB; at most 5 GiB with S3 (one PutObject). */
    readonly maxUploadBytes: number;
    readonly blobStore: 'fs' | 's3';
    readonly s3?: {
      readonly bucket: string;
      readonly endpoint?: string;
      readonly region: string;
      readonly accessKeyId?: string;
      readonly secretAccessKey?: string;
      readonly forcePathStyle: boolean;
    };
    /** RETENTION_SWEEP_MS: how often the retention job runs (ADM-1); default hourly. */
    readonly retentionSweepMs: number;
    /**
     * UPLOAD_EXPIRY_MS: an unfinished upload older than this (from its creation) is abandoned:
     * tus answers 410 to it and the retention job deletes its staged bytes. Default 24 h; a
     * recording's upload is unfinished while it runs, so this also bounds a recording's length.
     */
    readonly uploadExpiryMs: number;
  };
  readonly ice: { readonly stunUrls: readonly string[]; readonly turnUrls: readonly string[]; readonly turnSecret?: string; readonly turnTtlSeconds: number };
}

/** One refused variable: its name, the rule it breaks (a phrase after the name), and what it held. */
export interface ConfigProblem {
  readonly variable: string;
  readonly rule: string;
  /** The value as given (trimmed); `<hidden>` for secrets, a URL's password replaced. */
  readonly value: string;
}

/**
 * A configuration that cannot start Tandem. The message is one line naming every refused
 * variable with its rule and value, in the order of {@link ENVIRONMENT} (the schema's order),
 * e.g. `Invalid configuration: PORT must be an integer from 0 to 65535 (got "x")`;
 * `variable` is the first of them.
 */
export class ConfigError extends Error {
  readonly variable: string;
  readonly problems: readonly ConfigProblem[];

  constructor(variable: string, rule: string, value: string, ...more: ConfigProblem[]) {
    const problems = [{ variable, rule, value }, ...more];
    super(`Invalid configuration: ${problems.map((p) => `${p.variable} ${p.rule} (got ${JSON.stringify(p.value)})`).join('; ')}`);
    this.name = 'ConfigError';
    this.variable = variable;
    this.problems = problems;
  }
}

type Env = Record<string, unknown>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const GIB = 1024 ** 3;
/** One S3 PutObject carries at most 5 GiB; the file store has no such limit (1 TiB keeps a typo from meaning "unbounded"). */
const S3_MAX_UPLOAD_BYTES = 5 * GIB;
/** Variables whose value never appears in an error or a log line. */
const SECRETS = new Set(['JWT_SECRET', 'S3_SECRET_ACCESS_KEY', 'S3_ACCESS_KEY_ID', 'TURN_SECRET']);

// ─── The schema of the environment (zod 4) ─────────────────────────────────────────────────────
// Each variable: its type, range and default; the rule is the issue's message, worded to follow
// the variable's name. Blank values count as unset (`present` drops them before parsing).

/** A whole number of the given range, written in decimal digits only (no sign, exponent or hex). */
function integer(min: number, max: number) {
  const rule = `must be an integer from ${min} to ${max}`;
  return z
    .string()
    .regex(/^\d+$/, { error: rule, abort: true })
    .transform(Number)
    .pipe(z.number().min(min, { error: rule }).max(max, { error: rule }));
}

/** An absolute URL whose scheme is one of `protocols` (`'postgres:'`, ...); kept as written. */
function url(protocols: readonly string[]) {
  return z
    .url({ error: `must be a URL (${protocols.join(', ')})`, abort: true })
    .refine((value) => protocols.includes(new URL(value).protocol), { error: `must use one of ${protocols.join(', ')}` })
    .optional();
}

/** A comma-separated list of ICE URLs (`stun:host:3478`, `turn:host:3478?transport=udp`, ...); unset is empty. */
function iceUrls(schemes: readonly string[]) {
  return z
    .string()
    .transform((raw) =>
      raw
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean),
    )
    .refine((urls) => urls.every((u) => schemes.some((scheme) => u.startsWith(scheme))), { error: `must be a comma-separated list of ${schemes.join(' or ')} URLs` })
    .default([]);
}

const text = z.string().optional();

/**
 * The environment Tandem reads: every variable with its type, range and default (README
 * "Configuration"). Cross-variable rules are the refinement at the end; zod runs it only once
 * every variable is valid on its own.
 */
export const ENVIRONMENT = z
  .object({
    PORT: integer(0, 65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    DATABASE_URL: url(['postgres:', 'postgresql:']),
    DATA_DIR: z
      .string()
      .default('./data')
      .transform((dir) => resolve(dir)),
    REDIS_URL: url(['redis:', 'rediss:']),
    EVENTSTORE_URL: url(['esdb:', 'esdb+discover:', 'kurrentdb:', 'kurrentdb+discover:', 'kurrent:', 'kurrent+discover:']),
    JWT_SECRET: z.string().min(32, { error: 'must be at least 32 characters' }).optional(),
    JWT_JWKS_URL: url(['https:', 'http:']),
    JWT_ISSUER: text,
    JWT_AUDIENCE: text,
    JWT_MAX_TTL: integer(60, 7 * 86_400).default(12 * 3600),
    JWT_CLOCK_SKEW: integer(0, 600).default(60),
    LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
    PRESENCE_GRACE_MS: integer(1_000, 3_600_000).default(30_000),
    PUBLIC_BASE_URL: url(['http:', 'https:']),
    DB_POOL_SIZE: integer(2, 500).default(20),
    APPEND_FLIGHTS: integer(0, 64).default(4),
    DB_STATEMENT_TIMEOUT_MS: integer(0, 3_600_000).default(30_000),
    DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: integer(0, 3_600_000).default(10_000),
    EMBEDDED_PG_RESTART_DELAY_MS: integer(100, 600_000).default(5_000),
    WEBACD_MAX_WAIT_MS: integer(10_000, 24 * 3_600_000).default(30 * 60_000),
    WEBACD_STATS_WINDOW_MS: integer(60_000, 24 * 3_600_000).default(15 * 60_000),
    INBOUND_RATE_PER_MINUTE: integer(1, 100_000).default(10),
    SETTINGS_MAX_AGE_MS: integer(0, 3_600_000).default(1000),
    READY_MAX_PROJECTION_LAG_SECONDS: integer(1, 86_400).default(30),
    NUMBER_LOOKUP_RATE_PER_MINUTE: integer(1, 100_000).default(30),
    GRAPHQL_WS_SOCKETS_PER_USER: integer(1, 10_000).default(10),
    GRAPHQL_WS_SUBSCRIPTIONS_PER_SOCKET: integer(1, 100_000).default(50),
    NODE_ENV: text,
    CUSTOMER_TOKEN_TTL_SECONDS: integer(60, 43_200).default(600),
    LOCAL_SIGN_IN: z.stringbool({ truthy: ['on'], falsy: ['off'], case: 'sensitive', error: 'must be on or off' }).optional(),
    OIDC_AUTHORITY: url(['https:', 'http:']),
    OIDC_CLIENT_ID: text,
    OIDC_SCOPE: z.string().default('openid profile'),
    BLOB_STORE: z.enum(['fs', 's3'], { error: 'must be fs or s3' }).default('fs'),
    S3_BUCKET: text,
    S3_ENDPOINT: url(['http:', 'https:']),
    S3_REGION: z.string().default('us-east-1'),
    S3_ACCESS_KEY_ID: text,
    S3_SECRET_ACCESS_KEY: text,
    S3_FORCE_PATH_STYLE: z.stringbool({ truthy: ['true'], falsy: ['false'], case: 'sensitive', error: 'must be true or false' }).optional(),
    // The upper bound depends on BLOB_STORE: checked again below for s3.
    UPLOAD_MAX_BYTES: integer(1, 1024 * GIB).default(2 * GIB),
    RETENTION_SWEEP_MS: integer(1_000, 7 * 86_400_000).default(3_600_000),
    UPLOAD_EXPIRY_MS: integer(1_000, 30 * 86_400_000).default(86_400_000),
    STUN_URLS: iceUrls(['stun:', 'stuns:']),
    TURN_URLS: iceUrls(['turn:', 'turns:']),
    TURN_SECRET: text,
    TURN_TTL_SECONDS: integer(60, 86_400).default(3600),
  })
  .superRefine((env, ctx) => {
    const refuse = (variable: keyof typeof env, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message });
    if (env.BLOB_STORE === 's3' && !env.S3_BUCKET) refuse('S3_BUCKET', 'is required when BLOB_STORE=s3');
    if (env.BLOB_STORE === 's3' && env.UPLOAD_MAX_BYTES > S3_MAX_UPLOAD_BYTES) refuse('UPLOAD_MAX_BYTES', `must be an integer from 1 to ${S3_MAX_UPLOAD_BYTES} with BLOB_STORE=s3`);
    if (env.LOCAL_SIGN_IN === true && env.JWT_JWKS_URL) refuse('LOCAL_SIGN_IN', 'cannot be on with JWT_JWKS_URL (sign in through the identity provider)');
    if (env.OIDC_CLIENT_ID && !(env.OIDC_AUTHORITY ?? env.JWT_ISSUER)) refuse('OIDC_CLIENT_ID', 'needs OIDC_AUTHORITY or JWT_ISSUER (the identity provider)');
  });

/** The environment as the schema returns it: typed, defaulted, checked. */
export type Environment = z.output<typeof ENVIRONMENT>;

const sources = new WeakMap<AppConfig, Readonly<Record<string, string>>>();

/** The variables that are set: trimmed strings, blank ones left out (a blank value means "use the default"). */
function present(env: Env): Record<string, string> {
  const set: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (typeof value === 'string' && value.trim() !== '') set[name] = value.trim();
  return set;
}

/** What a refused variable held, as it may be shown: secrets hidden, a URL's password replaced. */
function shown(variable: string, value: string | undefined): string {
  if (value === undefined) return '';
  if (SECRETS.has(variable)) return '<hidden>';
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@]*:)[^/@]*@/i, '$1[redacted]@');
}

/**
 * Reads and validates Tandem's configuration from `env` (default `process.env`) with the
 * {@link ENVIRONMENT} schema. Blank values count as unset.
 *
 * @throws ConfigError naming every refused variable (in schema order) with its rule, e.g.
 *   `Invalid configuration: PORT must be an integer from 0 to 65535 (got "x")`. Rules that
 *   relate two variables (S3_BUCKET, LOCAL_SIGN_IN, OIDC_CLIENT_ID, UPLOAD_MAX_BYTES with s3)
 *   are reported once every variable is valid on its own.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const given = present(env);
  const parsed = ENVIRONMENT.safeParse(given);
  if (!parsed.success) {
    const [first, ...more] = parsed.error.issues.map((issue): ConfigProblem => {
      const variable = String(issue.path[0]);
      return { variable, rule: issue.message, value: shown(variable, given[variable]) };
    });
    throw new ConfigError(first.variable, first.rule, first.value, ...more);
  }
  const config = toAppConfig(parsed.data);
  sources.set(config, given);
  return config;
}

/**
 * The `validate` function of `ConfigModule.forRoot` (@nestjs/config): the same schema, with the
 * result under `app`, which `ConfigService.get('app')` returns.
 *
 * @throws ConfigError as {@link loadConfig}; Nest then does not start.
 */
export function validateEnvironment(env: Env): { app: AppConfig } {
  return { app: loadConfig(env) };
}

/**
 * The variables `config` was read from (set and non-blank), so that the application module can
 * hand them to Nest's `validate`.
 *
 * @throws Error for a config not made by {@link loadConfig} (a copy with a field changed would
 *   otherwise start with other values than the ones Nest validates; change the variables instead).
 */
export function environmentOf(config: AppConfig): Readonly<Record<string, string>> {
  const env = sources.get(config);
  if (!env) throw new Error('This AppConfig was not made by loadConfig: pass the variables to loadConfig instead of editing a config');
  return env;
}

function toAppConfig(env: Environment): AppConfig {
  const s3Endpoint = env.S3_ENDPOINT;
  return {
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    redisUrl: env.REDIS_URL,
    eventstoreUrl: env.EVENTSTORE_URL,
    jwt: {
      secret: env.JWT_SECRET,
      jwksUrl: env.JWT_JWKS_URL,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      maxTtlSeconds: env.JWT_MAX_TTL,
      clockSkewSeconds: env.JWT_CLOCK_SKEW,
    },
    logLevel: env.LOG_LEVEL,
    presenceGraceMs: env.PRESENCE_GRACE_MS,
    publicBaseUrl: env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`,
    dbPoolSize: env.DB_POOL_SIZE,
    appendFlights: env.APPEND_FLIGHTS,
    dbStatementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
    dbIdleInTransactionTimeoutMs: env.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    embeddedRestartDelayMs: env.EMBEDDED_PG_RESTART_DELAY_MS,
    webacdMaxWaitMs: env.WEBACD_MAX_WAIT_MS,
    webacdStatsWindowMs: env.WEBACD_STATS_WINDOW_MS,
    inboundRatePerMinute: env.INBOUND_RATE_PER_MINUTE,
    settingsMaxAgeMs: env.SETTINGS_MAX_AGE_MS,
    readyMaxProjectionLagSeconds: env.READY_MAX_PROJECTION_LAG_SECONDS,
    lookupRatePerMinute: env.NUMBER_LOOKUP_RATE_PER_MINUTE,
    graphqlWs: { socketsPerUser: env.GRAPHQL_WS_SOCKETS_PER_USER, subscriptionsPerSocket: env.GRAPHQL_WS_SUBSCRIPTIONS_PER_SOCKET },
    development: env.NODE_ENV === 'development',
    customerJoin: { credentialTtlSeconds: env.CUSTOMER_TOKEN_TTL_SECONDS },
    // On by default without JWT_JWKS_URL, never with it (the refinement refuses LOCAL_SIGN_IN=on there).
    localSignIn: env.LOCAL_SIGN_IN ?? env.JWT_JWKS_URL === undefined,
    oidc: env.OIDC_CLIENT_ID ? { authority: (env.OIDC_AUTHORITY ?? env.JWT_ISSUER)!, clientId: env.OIDC_CLIENT_ID, scope: env.OIDC_SCOPE } : undefined,
    files: {
      maxUploadBytes: env.UPLOAD_MAX_BYTES,
      blobStore: env.BLOB_STORE,
      s3:
        env.BLOB_STORE === 's3'
          ? {
              bucket: env.S3_BUCKET!,
              endpoint: s3Endpoint,
              region: env.S3_REGION,
              accessKeyId: env.S3_ACCESS_KEY_ID,
              secretAccessKey: env.S3_SECRET_ACCESS_KEY,
              forcePathStyle: env.S3_FORCE_PATH_STYLE ?? s3Endpoint !== undefined,
            }
          : undefined,
      retentionSweepMs: env.RETENTION_SWEEP_MS,
      uploadExpiryMs: env.UPLOAD_EXPIRY_MS,
    },
    ice: { stunUrls: env.STUN_URLS, turnUrls: env.TURN_URLS, turnSecret: env.TURN_SECRET, turnTtlSeconds: env.TURN_TTL_SECONDS },
  };
}

/**
 * The HS256 secret the embedded default signs and verifies tokens with: JWT_SECRET when set,
 * else one generated on first start and kept (mode 600) in the data folder, so that
 * `npm run token` and the server agree without any set-up.
 */
export function localJwtSecret(config: AppConfig): string {
  if (config.jwt.secret) return config.jwt.secret;
  const file = join(config.dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(file, 'utf8').trim();
}
