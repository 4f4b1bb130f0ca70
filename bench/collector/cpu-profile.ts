/**
 * @module
 * Where a process spent its CPU time, from the `.cpuprofile` that `bun --cpu-prof` writes on exit
 * (the Chrome DevTools / V8 format: a call tree of nodes, and samples naming the node that was
 * running). Self share is the share of samples in which a function was the one running; total share
 * adds everything it called (counted once per stack, so recursion does not count twice).
 *
 * Samples are counted, not weighted by the `timeDeltas` between them: Bun samples only while
 * JavaScript runs, so the delta before a sample also holds the time the thread waited for I/O, and
 * weighting by it would charge that wait to whatever ran first after it (the request handler).
 * Start-up (module loading) can be cut off: `from` names a function, and samples before the first
 * one taken inside it are dropped.
 */

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

/** The parts of a `.cpuprofile` read here. */
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
}

/** One function's samples, and their share of all samples. */
export interface ProfileEntry {
  /** `name (file:line)`, the file relative to `root`. */
  readonly label: string;
  readonly selfSamples: number;
  readonly totalSamples: number;
  readonly selfShare: number;
  readonly totalShare: number;
}

export interface ProfileSummary {
  /** Samples taken while JavaScript (or a native function it called) ran. */
  readonly samples: number;
  /** Every function, by self time, highest first. */
  readonly bySelf: readonly ProfileEntry[];
  /** Every function, by total time, highest first. */
  readonly byTotal: readonly ProfileEntry[];
  /** Self samples by area (our code by folder, libraries by package, Bun's native side), highest first. */
  readonly byArea: readonly { readonly area: string; readonly samples: number; readonly share: number }[];
}

const IDLE = "(idle)";

function labelOf(frame: CallFrame, root: string): string {
  const name = frame.functionName === "" ? "(anonymous)" : frame.functionName;
  if (frame.url === "") return name;
  const file = frame.url.replace(/^file:\/\//, "").replace(`${root}/`, "");
  return `${name} (${file}:${frame.lineNumber + 1})`;
}

/** Our folders (`src/core/collector`), library packages (`hono`), or Bun's own side. */
function areaOf(frame: CallFrame, root: string): string {
  if (frame.url === "") {
    return frame.functionName.startsWith("(") ? frame.functionName : "native (Bun, JSC builtins)";
  }
  const file = frame.url.replace(/^file:\/\//, "");
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (pkg) return pkg[1]!;
  if (!file.startsWith(root)) return file.startsWith("bun:") || file.startsWith("node:") ? file : "other";
  const rel = file.slice(root.length + 1).split("/");
  return rel.slice(0, Math.min(3, rel.length - 1)).join("/") || rel.join("/");
}

/**
 * Summarizes a profile; `root` is the repository folder, cut from file names. With `from`, samples
 * before the first one inside a function of that name are left out.
 */
export function summarizeProfile(
  profile: CpuProfile,
  root: string,
  options: { readonly from?: string } = {},
): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const children = new Set(profile.nodes.flatMap((n) => n.children ?? []));
  const roots = profile.nodes.filter((n) => !children.has(n.id));

  let first = 0;
  if (options.from !== undefined) {
    // Nodes with a frame called `from` on their stack.
    const inside = new Set<number>();
    const mark = (node: ProfileNode, within: boolean): void => {
      const now = within || node.callFrame.functionName === options.from;
      if (now) inside.add(node.id);
      for (const id of node.children ?? []) {
        const child = byId.get(id);
        if (child !== undefined) mark(child, now);
      }
    };
    for (const r of roots) mark(r, false);
    first = profile.samples.findIndex((id) => inside.has(id));
    if (first < 0) first = profile.samples.length;
  }
  const selfById = new Map<number, number>();
  for (let i = first; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfById.set(id, (selfById.get(id) ?? 0) + 1);
  }

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const area = new Map<string, number>();
  let busy = 0;
  const onStack = new Map<string, number>();

  /** Returns the node's total time; adds it to each function once per stack. */
  const walk = (node: ProfileNode): number => {
    const label = labelOf(node.callFrame, root);
    const own = selfById.get(node.id) ?? 0;
    if (node.callFrame.functionName !== IDLE) {
      busy += own;
      self.set(label, (self.get(label) ?? 0) + own);
      const a = areaOf(node.callFrame, root);
      area.set(a, (area.get(a) ?? 0) + own);
    }
    onStack.set(label, (onStack.get(label) ?? 0) + 1);
    let sum = own;
    for (const id of node.children ?? []) {
      const child = byId.get(id);
      if (child !== undefined) sum += walk(child);
    }
    const depth = onStack.get(label)! - 1;
    if (depth === 0) onStack.delete(label);
    else onStack.set(label, depth);
    if (depth === 0 && node.callFrame.functionName !== IDLE) total.set(label, (total.get(label) ?? 0) + sum);
    return sum;
  };
  for (const r of roots) walk(r);

  const share = (n: number) => (busy === 0 ? 0 : n / busy);
  const entries = [...self.keys()].map((label) => ({
    label,
    selfSamples: self.get(label) ?? 0,
    totalSamples: total.get(label) ?? 0,
    selfShare: share(self.get(label) ?? 0),
    totalShare: share(total.get(label) ?? 0),
  }));
  return {
    samples: busy,
    bySelf: [...entries].sort((a, b) => b.selfSamples - a.selfSamples),
    byTotal: [...entries].sort((a, b) => b.totalSamples - a.totalSamples),
    byArea: [...area]
      .map(([name, n]) => ({ area: name, samples: n, share: share(n) }))
      .sort((a, b) => b.samples - a.samples),
  };
}
