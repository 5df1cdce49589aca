import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** STYLE 11: data flows api -> application -> domain; the domain is pure. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);

describe('layer rules', () => {
  const domain = sources('src/domain');
  const application = sources('src/application');

  it('the domain imports no framework, database, I/O or other layer', () => {
    const offending = domain.flatMap((file) =>
      importsOf(file)
        .filter((spec) => /^(@nestjs\/|rxjs|typeorm|pg$|pg\/|bullmq|ioredis|node:|fs$|http$|net$|crypto$)/.test(spec) || /\/(application|infrastructure|api)\//.test(spec))
        .map((spec) => `${relative('.', file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('the domain reads no clock and draws no random ids outside its test helpers', () => {
    const offending = domain
      .filter((file) => !file.endsWith('.spec.ts') && !file.includes('/testing/'))
      .filter((file) => /new Date\(\s*\)|Date\.now\(|Math\.random\(|randomUUID\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative('.', file));
    expect(offending).toEqual([]);
  });

  it('the application imports neither the API nor NestJS transport code', () => {
    const offending = application.flatMap((file) =>
      importsOf(file)
        .filter((spec) => /\/api\//.test(spec) || /^@nestjs\/(graphql|platform-|websockets|swagger)/.test(spec))
        .map((spec) => `${relative('.', file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });
});
