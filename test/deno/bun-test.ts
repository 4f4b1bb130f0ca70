/**
 * @module
 * The subset of `bun:test` that `src/core` tests use, built on `Deno.test` and Jest's `expect`.
 * CI runs the core suite under Deno through this import-map entry, which proves the core needs
 * only Web-standard APIs. Tests written against `bun:test` run unchanged on both runtimes.
 */
// @ts-nocheck: compiled by Deno, which knows `Deno`; Bun's tsc never sees this folder.
import { expect as jestExpect } from "expect";

type Fn = () => unknown | Promise<unknown>;
interface Hooks {
  beforeAll: Fn[];
  afterAll: Fn[];
  beforeEach: Fn[];
  afterEach: Fn[];
}
interface Suite {
  name: string;
  parent?: Suite;
  hooks: Hooks;
  tests: { name: string; fn: Fn | null }[];
  children: Suite[];
}

const newSuite = (name: string, parent?: Suite): Suite => ({
  name,
  parent,
  hooks: { beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] },
  tests: [],
  children: [],
});

const root = newSuite("");
let current = root;
let scheduled = false;

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  // Register with Deno once the module has finished declaring its suites.
  queueMicrotask(() => registerSuite(root, []));
}

function chain(suite: Suite): Suite[] {
  const out: Suite[] = [];
  for (let s: Suite | undefined = suite; s; s = s.parent) out.unshift(s);
  return out;
}

function registerSuite(suite: Suite, path: string[]): void {
  const names = suite.name ? [...path, suite.name] : path;
  for (const t of suite.tests) {
    Deno.test({
      name: [...names, t.name].join(" > "),
      ignore: t.fn === null,
      sanitizeOps: false,
      sanitizeResources: false,
      fn: async () => {
        const suites = chain(suite);
        for (const s of suites) await runOnce(s);
        for (const s of suites) for (const h of s.hooks.beforeEach) await h();
        try {
          await t.fn?.();
        } finally {
          for (const s of suites.slice().reverse()) for (const h of s.hooks.afterEach) await h();
        }
      },
    });
  }
  for (const child of suite.children) registerSuite(child, names);
}

const started = new WeakSet<Suite>();
async function runOnce(suite: Suite): Promise<void> {
  if (started.has(suite)) return;
  started.add(suite);
  for (const h of suite.hooks.beforeAll) await h();
  // afterAll hooks run when Deno unloads the module.
  if (suite.hooks.afterAll.length > 0) {
    globalThis.addEventListener("unload", () => {
      for (const h of suite.hooks.afterAll) void h();
    });
  }
}

export function describe(name: string, fn: () => void): void {
  schedule();
  const suite = newSuite(name, current);
  current.children.push(suite);
  const prev = current;
  current = suite;
  try {
    fn();
  } finally {
    current = prev;
  }
}
describe.skip = (name: string, _fn: () => void): void => {
  schedule();
  current.children.push({ ...newSuite(name, current), tests: [{ name: "(skipped)", fn: null }] });
};
describe.if = (cond: boolean) => (cond ? describe : describe.skip);

export function test(name: string, fn: Fn, _timeout?: number): void {
  schedule();
  current.tests.push({ name, fn });
}
test.skip = (name: string, _fn?: Fn): void => {
  schedule();
  current.tests.push({ name, fn: null });
};
test.if = (cond: boolean) => (cond ? test : test.skip);
test.skipIf = (cond: boolean) => (cond ? test.skip : test);
export const it = test;

export const beforeAll = (fn: Fn) => current.hooks.beforeAll.push(fn);
export const afterAll = (fn: Fn) => current.hooks.afterAll.push(fn);
export const beforeEach = (fn: Fn) => current.hooks.beforeEach.push(fn);
export const afterEach = (fn: Fn) => current.hooks.afterEach.push(fn);
export const expect = jestExpect;
