import { ConfigError, ENVIRONMENT, loadConfig, validateEnvironment } from '../../src/infrastructure/config/app-config.js';

/** The ConfigError `loadConfig` throws for `env` (fails the test when it does not throw one). */
function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('configuration: the zod schema of the environment', () => {
  it('several bad variables are all named, in one line, in the order of the schema', () => {
    const error = refusal({ LOG_LEVEL: 'loud', PORT: 'eighty', DB_POOL_SIZE: '1' });
    expect(error.message).toBe(
      'Invalid configuration: PORT must be an integer from 0 to 65535 (got "eighty"); ' +
        'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud"); ' +
        'DB_POOL_SIZE must be an integer from 2 to 500 (got "1")',
    );
    expect(error.message).not.toContain('\n');
    expect(error.variable).toBe('PORT');
    expect(error.problems.map((p) => p.variable)).toEqual(['PORT', 'LOG_LEVEL', 'DB_POOL_SIZE']);
  });

  it.each([
    ['-1', 'a sign'],
    ['1e3', 'an exponent'],
    ['0x10', 'hex'],
    ['65536', 'above the range'],
    ['3000.5', 'a fraction'],
  ])('an integer is decimal digits within its range: PORT=%s (%s) is refused', (value) => {
    expect(refusal({ PORT: value }).message).toBe(`Invalid configuration: PORT must be an integer from 0 to 65535 (got ${JSON.stringify(value)})`);
  });

  it('blank values count as unset, values are trimmed', () => {
    const config = loadConfig({ PORT: '  8080 ', LOG_LEVEL: '   ', HOST: '' });
    expect(config).toMatchObject({ port: 8080, logLevel: 'info', host: '0.0.0.0', publicBaseUrl: 'http://localhost:8080' });
  });

  it("secrets are never shown, nor a URL's password", () => {
    expect(refusal({ JWT_SECRET: 'short-secret' }).message).toBe('Invalid configuration: JWT_SECRET must be at least 32 characters (got "<hidden>")');
    const url = refusal({ DATABASE_URL: 'mysql://tandem:s3cret@db:3306/tandem' }).message;
    expect(url).toBe('Invalid configuration: DATABASE_URL must use one of postgres:, postgresql: (got "mysql://tandem:[redacted]@db:3306/tandem")');
    expect(url).not.toContain('s3cret');
  });

  it('URLs: unparsable and wrong scheme are two rules', () => {
    expect(refusal({ REDIS_URL: 'not a url' }).message).toBe('Invalid configuration: REDIS_URL must be a URL (redis:, rediss:) (got "not a url")');
    expect(refusal({ REDIS_URL: 'http://cache:6379' }).message).toBe('Invalid configuration: REDIS_URL must use one of redis:, rediss: (got "http://cache:6379")');
    expect(loadConfig({ REDIS_URL: 'rediss://cache:6380' }).redisUrl).toBe('rediss://cache:6380');
  });

  describe('rules that relate two variables (reported once each variable is valid on its own)', () => {
    it('BLOB_STORE=s3 needs S3_BUCKET', () => {
      expect(refusal({ BLOB_STORE: 's3' }).message).toBe('Invalid configuration: S3_BUCKET is required when BLOB_STORE=s3 (got "")');
      const s3 = loadConfig({ BLOB_STORE: 's3', S3_BUCKET: 'recordings', S3_ENDPOINT: 'http://minio:9000' }).files;
      expect(s3).toMatchObject({ blobStore: 's3', s3: { bucket: 'recordings', region: 'us-east-1', forcePathStyle: true } });
      expect(loadConfig({ BLOB_STORE: 's3', S3_BUCKET: 'b', S3_FORCE_PATH_STYLE: 'false', S3_ENDPOINT: 'http://minio:9000' }).files.s3?.forcePathStyle).toBe(false);
    });

    it("UPLOAD_MAX_BYTES's maximum depends on BLOB_STORE (one S3 PutObject: 5 GiB)", () => {
      const sixGiB = String(6 * 1024 ** 3);
      expect(loadConfig({ UPLOAD_MAX_BYTES: sixGiB }).files.maxUploadBytes).toBe(6 * 1024 ** 3);
      expect(refusal({ BLOB_STORE: 's3', S3_BUCKET: 'b', UPLOAD_MAX_BYTES: sixGiB }).message).toBe(
        `Invalid configuration: UPLOAD_MAX_BYTES must be an integer from 1 to ${5 * 1024 ** 3} with BLOB_STORE=s3 (got "${sixGiB}")`,
      );
    });

    it('LOCAL_SIGN_IN: on by default without JWT_JWKS_URL, off with it, and never on with it', () => {
      expect(loadConfig({}).localSignIn).toBe(true);
      expect(loadConfig({ LOCAL_SIGN_IN: 'off' }).localSignIn).toBe(false);
      expect(loadConfig({ JWT_JWKS_URL: 'https://idp.example.org/jwks' }).localSignIn).toBe(false);
      expect(refusal({ LOCAL_SIGN_IN: 'yes' }).message).toBe('Invalid configuration: LOCAL_SIGN_IN must be on or off (got "yes")');
      expect(refusal({ LOCAL_SIGN_IN: 'on', JWT_JWKS_URL: 'https://idp.example.org/jwks' }).message).toBe(
        'Invalid configuration: LOCAL_SIGN_IN cannot be on with JWT_JWKS_URL (sign in through the identity provider) (got "on")',
      );
    });

    it('OIDC_CLIENT_ID needs an authority: OIDC_AUTHORITY, else JWT_ISSUER', () => {
      expect(refusal({ OIDC_CLIENT_ID: 'consoles' }).message).toBe(
        'Invalid configuration: OIDC_CLIENT_ID needs OIDC_AUTHORITY or JWT_ISSUER (the identity provider) (got "consoles")',
      );
      expect(loadConfig({ OIDC_CLIENT_ID: 'consoles', JWT_ISSUER: 'https://idp.example.org' }).oidc).toEqual({
        authority: 'https://idp.example.org',
        clientId: 'consoles',
        scope: 'openid profile',
      });
      expect(loadConfig({ OIDC_CLIENT_ID: 'consoles', JWT_ISSUER: 'https://a.example.org', OIDC_AUTHORITY: 'https://b.example.org' }).oidc?.authority).toBe(
        'https://b.example.org',
      );
    });

    it('a bad variable on its own is reported before the rules that relate two', () => {
      const error = refusal({ BLOB_STORE: 's3', PORT: 'x' });
      expect(error.problems.map((p) => p.variable)).toEqual(['PORT']);
    });
  });

  it("@nestjs/config's validate returns the same configuration under `app`, and throws the same error", () => {
    const env = { PORT: '4000', TURN_URLS: 'turn:turn.example.org:3478, turns:turn.example.org:5349' };
    expect(validateEnvironment(env)).toEqual({ app: loadConfig(env) });
    expect(() => validateEnvironment({ PORT: 'x' })).toThrow(ConfigError);
  });

  it('every variable the schema knows has a default or is optional: an empty environment is valid', () => {
    expect(ENVIRONMENT.safeParse({}).success).toBe(true);
  });
});
