/**
 * Writes the GraphQL schema the code serves to `schema.graphql` (or prints it with --stdout):
 *   npm run schema
 * A test fails when the committed file and the code differ; run this after changing the API.
 */
import { writeFileSync } from 'node:fs';
import { AppModule } from '../src/app.module.js';
import { schemaSdl } from '../src/api/graphql/schema-sdl.js';
import { loadConfig } from '../src/infrastructure/config/app-config.js';

const config = loadConfig({ JWT_SECRET: 'schema-printing-needs-no-real-secret-0123456789', DATA_DIR: '/nonexistent-tandem-schema' });
const sdl = await schemaSdl(AppModule.register(config, 'postgres://unused/unused'));
if (process.argv.includes('--stdout')) process.stdout.write(sdl);
else writeFileSync(new URL('../../schema.graphql', import.meta.url), sdl);
