// Where the time goes in a V8 CPU profile (the .cpuprofile JSON that `node --cpu-prof` and the
// inspector write): self time by function, inclusive time by function, and self time by origin
// (a project folder, an npm package, Node's internals, or V8's own (garbage collector), (program)).
import { readFile } from 'node:fs/promises';
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';

const CallFrame = t.type({ functionName: t.string, url: t.string, lineNumber: t.number });
const ProfileNode = t.intersection([
  t.type({ id: t.number, callFrame: CallFrame }),
  t.partial({ hitCount: t.number, children: t.array(t.number) }),
]);
const CpuProfile = t.intersection([
  t.type({ nodes: t.array(ProfileNode), startTime: t.number, endTime: t.number }),
  t.partial({ samples: t.array(t.number), timeDeltas: t.array(t.number) }),
]);
type CpuProfile = t.TypeOf<typeof CpuProfile>;
type CallFrame = t.TypeOf<typeof CallFrame>;

export interface Cost {
  readonly name: string;
  /** Share of the busy (non-idle) samples, 0..1. */
  readonly share: number;
}

export interface ProfileSummary {
  /** Busy samples (idle excluded) and the profile's wall time in ms. */
  readonly busySamples: number;
  readonly wallMs: number;
  /** Busy share of the wall time (0..1): how much of one core the process used. */
  readonly busyShare: number;
  readonly selfByFunction: readonly Cost[];
  readonly inclusiveByFunction: readonly Cost[];
  readonly selfByOrigin: readonly Cost[];
}

const IDLE = '(idle)';

/** The project folder, npm package or runtime part that a script URL belongs to. */
export const originOf = (frame: CallFrame): string => {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg !== null) return `npm ${pkg[1]!}`;
  const own = /\/dist[^/]*\/([^/]+)\//.exec(url);
  if (own !== null) return `project ${own[1]!}/`;
  return url.startsWith('file://') ? 'other files' : url;
};

const shortUrl = (url: string): string => {
  const pkg = /node_modules\/(.*)$/.exec(url);
  if (pkg !== null) return pkg[1]!;
  const own = /\/dist[^/]*\/(.*)$/.exec(url);
  if (own !== null) return own[1]!;
  return url.replace(/^file:\/\//, '');
};

const nameOf = (frame: CallFrame): string =>
  frame.url === '' ? frame.functionName || '(anonymous)' : `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;

const top = (counts: Map<string, number>, total: number, n: number): Cost[] =>
  [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, count]) => ({ name, share: total === 0 ? 0 : count / total }));

export const summariseProfile = (profile: CpuProfile, n = 15): ProfileSummary => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // Samples per node: from the sample list when present, else the nodes' hit counts.
  const hits = new Map<number, number>();
  if (profile.samples !== undefined && profile.samples.length > 0) {
    for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  } else {
    for (const node of profile.nodes) if ((node.hitCount ?? 0) > 0) hits.set(node.id, node.hitCount ?? 0);
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const origins = new Map<string, number>();
  let busy = 0;
  for (const [id, count] of hits) {
    const node = byId.get(id);
    if (node === undefined || node.callFrame.functionName === IDLE) continue;
    busy += count;
    const name = nameOf(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + count);
    const origin = originOf(node.callFrame);
    origins.set(origin, (origins.get(origin) ?? 0) + count);
    // Each function once per stack, however often it recurs.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame === undefined || frame.functionName === '(root)') continue;
      const key = nameOf(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + count);
    }
  }
  const totalSamples = [...hits.values()].reduce((a, b) => a + b, 0);
  const wallMs = (profile.endTime - profile.startTime) / 1000;
  return {
    busySamples: busy,
    wallMs,
    busyShare: totalSamples === 0 ? 0 : busy / totalSamples,
    selfByFunction: top(self, busy, n),
    inclusiveByFunction: top(inclusive, busy, n),
    selfByOrigin: top(origins, busy, n),
  };
};

export const readProfile = async (file: string): Promise<CpuProfile> => {
  const decoded = CpuProfile.decode(JSON.parse(await readFile(file, 'utf8')));
  if (isLeft(decoded)) throw new Error(`${file} is not a V8 CPU profile`);
  return decoded.right;
};

const percent = (share: number): string => `${(share * 100).toFixed(1).padStart(5)}%`;

export const formatProfileSummary = (title: string, s: ProfileSummary): string => {
  const section = (heading: string, costs: readonly Cost[]) => [`  ${heading}:`, ...costs.map((c) => `    ${percent(c.share)}  ${c.name}`)];
  return [
    `${title}: ${s.busySamples} busy samples over ${(s.wallMs / 1000).toFixed(1)} s, the process busy ${percent(s.busyShare).trim()} of the time (one core = 100%)`,
    ...section('self time by origin (share of busy time)', s.selfByOrigin),
    ...section('self time by function', s.selfByFunction),
    ...section('inclusive time by function', s.inclusiveByFunction),
  ].join('\n');
};
