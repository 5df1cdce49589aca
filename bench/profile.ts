import { Session } from 'node:inspector';

/**
 * The V8 sampling profiler over a window of work in this process, and a summary of the top
 * functions by self time and the time per area (package or Tandem layer). Used by the
 * benchmarks when they miss a target.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export async function profiled<T>(work: () => Promise<T>): Promise<{ result: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  const post = <R>(method: string, params?: object) =>
    new Promise<R>((resolve, reject) => session.post(method, params ?? {}, (error, answer) => (error ? reject(error) : resolve(answer as R))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 1000 });
  await post('Profiler.start');
  try {
    const result = await work();
    const { profile } = await post<{ profile: CpuProfile }>('Profiler.stop');
    return { result, profile };
  } finally {
    await post('Profiler.disable').catch(() => undefined);
    session.disconnect();
  }
}

/** Self time per function (name + file), from the samples and their time deltas. */
export function summarise(profile: CpuProfile, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, ProfileNode>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n);
  // A native frame (writev, run, ...) says little alone: name the JavaScript that called it.
  const callerOf = (node: ProfileNode): string => {
    let first: ProfileNode | undefined;
    for (let p = parentOf.get(node.id); p; p = parentOf.get(p.id)) {
      if (!p.callFrame.url) continue;
      first ??= p;
      if (!p.callFrame.url.startsWith('node:')) return ` <- ${frame(first)}${first === p ? '' : ` <- ... ${frame(p)}`}`;
    }
    return first ? ` <- ${frame(first)}` : '';
  };
  const self = new Map<string, number>();
  const byArea = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    // timeDeltas[i] is the time before sample i; attribute it to that sample.
    const us = Math.max(0, profile.timeDeltas[i] ?? 0);
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : functionName.startsWith('(') ? '' : `(native)${callerOf(node)}`;
    const key = `${functionName || '(anonymous)'}  ${where}`;
    self.set(key, (self.get(key) ?? 0) + us);
    const area = areaOf(functionName, url);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    total += us;
  });
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  const areas = [...byArea.entries()].sort((a, b) => b[1] - a[1]);
  return [
    `CPU profile: ${(total / 1e6).toFixed(1)} s sampled; top ${top} functions by self time`,
    ...rows.map(([key, us]) => `${ms(us)} ${pct(us)}  ${key}`),
    'self time by area:',
    ...areas.map(([area, us]) => `${ms(us)} ${pct(us)}  ${area}`),
  ].join('\n');
}

const frame = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

function areaOf(functionName: string, url: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native/builtin)';
  const nm = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return 'node core';
  if (url.includes('/dist/bench/')) return 'bench client';
  if (url.includes('/dist/src/')) return `tandem ${url.split('/dist/src/')[1]!.split('/')[0]}`;
  return 'other';
}
