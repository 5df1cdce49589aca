/**
 * Writes the REST API's OpenAPI document (the one served at /docs/openapi.json) to stdout or to
 * the file named by --out, without starting the server or touching a database:
 *   npm run openapi -- --out openapi.json
 * `npm run lint` lints what this prints (Redocly CLI, redocly.yaml).
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module.js';
import { buildGraphqlSchema } from '../src/api/graphql/schema-sdl.js';
import { openApiDocument } from '../src/api/openapi/openapi.document.js';
import { loadConfig } from '../src/infrastructure/config/app-config.js';

const config = loadConfig({ JWT_SECRET: 'schema-printing-needs-no-real-secret-0123456789', DATA_DIR: '/nonexistent-tandem-schema' });
const module = AppModule.register(config, 'postgres://unused/unused');
const graphql = await buildGraphqlSchema(module);
// Preview: the module graph without instantiating providers (no database, no queues).
const app = await NestFactory.create(module, { preview: true, logger: false });
const json = `${JSON.stringify(openApiDocument(app, graphql, module.controllers ?? []), null, 2)}\n`;
const out = process.argv.indexOf('--out');
if (out > 0 && process.argv[out + 1]) writeFileSync(process.argv[out + 1]!, json);
else process.stdout.write(json);
