import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import type { DynamicModule, Provider } from '@nestjs/common';

const RESOLVER_TYPE_METADATA = 'graphql:resolver_type';
const SCALAR_NAME_METADATA = 'graphql:scalar_name';

/**
 * The GraphQL schema as SDL, built from the resolver and scalar classes a module registers,
 * without starting the app or touching a database. `module` is the composition root's dynamic
 * module (`AppModule.register(...)`); the result is sorted, as the served schema is, so it can be
 * compared with the committed `schema.graphql`.
 */
export async function schemaSdl(module: DynamicModule): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildGraphqlSchema(module)))}\n`;
}

/** The GraphQL schema a module's resolvers and scalars make, built without starting the app. */
export async function buildGraphqlSchema(module: DynamicModule): Promise<GraphQLSchema> {
  const classes = (module.providers ?? []).map(classOf).filter((c): c is Function => c !== undefined);
  const resolvers = classes.filter((c) => Reflect.hasMetadata(RESOLVER_TYPE_METADATA, c));
  const scalars = classes.filter((c) => Reflect.hasMetadata(SCALAR_NAME_METADATA, c));
  const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: false });
  try {
    await app.init();
    return await app.get(GraphQLSchemaFactory).create(resolvers, scalars);
  } finally {
    await app.close();
  }
}

function classOf(provider: Provider): Function | undefined {
  if (typeof provider === 'function') return provider;
  if (provider && typeof provider === 'object' && 'useClass' in provider) return provider.useClass;
  return undefined;
}
