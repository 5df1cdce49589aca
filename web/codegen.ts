import type { CodegenConfig } from '@graphql-codegen/cli';

/** Operations in src/ are typed from the server's schema (schema.graphql at the repo root, `npm run schema`). */
const config: CodegenConfig = {
  schema: '../schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: true,
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { useTypeImports: true, enumsAsTypes: true, scalars: { DateTime: 'string', JSON: 'unknown', SafeInt: 'number' } },
    },
  },
};
export default config;
