#!/usr/bin/env node
/**
 * Builds the web consoles (web/ -> web/dist) when their sources changed since the last build:
 * GraphQL Code Generator (operations typed from schema.graphql), a type-check, then Vite.
 * `npm start`, `npm run build` and `npm test` call it; `--force` rebuilds anyway.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'web');
const stampFile = join(web, 'dist', '.build-stamp');
const bin = (name) => join(root, 'node_modules', '.bin', name);

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

/** A digest of every input's path, size and modification time (generated gql/ excluded). */
function inputsDigest() {
  const hash = createHash('sha256');
  const inputs = [...files(join(web, 'src'))].filter((f) => !f.includes(`${join('src', 'gql')}`));
  for (const f of ['index.html', 'graphiql.html', 'vite.config.ts', 'codegen.ts', 'tsconfig.json', 'package.json'].map((f) => join(web, f))) if (existsSync(f)) inputs.push(f);
  if (existsSync(join(root, 'schema.graphql'))) inputs.push(join(root, 'schema.graphql'));
  for (const f of inputs.sort()) {
    const s = statSync(f);
    hash.update(`${relative(root, f)}:${s.size}:${s.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

function run(what, command, args) {
  const result = spawnSync(command, args, { cwd: web, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build-web: ${what} failed`);
    process.exit(result.status ?? 1);
  }
}

const digest = inputsDigest();
if (!process.argv.includes('--force') && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === digest) {
  console.log('build-web: web/dist is up to date');
  process.exit(0);
}
const started = Date.now();
run('GraphQL code generation', bin('graphql-codegen'), ['--config', 'codegen.ts', '--silent']);
run('type-check', bin('tsc'), ['-p', 'tsconfig.json']);
run('vite build', bin('vite'), ['build', '--logLevel', 'warn']);
// The digest from before the build: a source edited meanwhile makes the next run build again.
writeFileSync(stampFile, digest);
console.log(`build-web: web/dist built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
