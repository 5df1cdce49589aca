import { readFileSync } from 'node:fs';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { AppModule } from '../../src/app.module.js';
import { schemaSdl } from '../../src/api/graphql/schema-sdl.js';
import { startTestApp, testConfig, type TestApp } from '../support/test-app.js';

const committed = readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8');
const HOW_TO_FIX = 'schema.graphql differs from the code: run `npm run schema` and commit the file';

describe('schema.graphql: the committed GraphQL contract', () => {
  it('equals the schema built from the code', async () => {
    const built = await schemaSdl(AppModule.register(testConfig(), 'postgres://unused/unused'));
    if (built !== committed) throw new Error(HOW_TO_FIX);
  });

  describe('and the schema a running server serves', () => {
    let t: TestApp;
    beforeAll(async () => (t = await startTestApp()));
    afterAll(() => t.close());
    it('is the committed one', () => {
      const served = `${printSchema(lexicographicSortSchema(t.app.get(GraphQLSchemaHost).schema))}\n`;
      if (served !== committed) throw new Error(HOW_TO_FIX);
    });
  });
});
