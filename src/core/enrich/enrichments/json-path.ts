/**
 * @module
 * JSONPath over parsed JSON, for the enrichments that name a value inside a context or an API
 * response: api_request and sql_query inputs and outputs (Enrich uses Gatling's JsonPath) and the
 * PII pseudonymizer's json fields (Enrich uses Jayway's). No JSONPath library is installed, so
 * this is a small subset written to the common ground of those two (and of RFC 9535):
 *
 * | Syntax | Meaning |
 * |---|---|
 * | `$` | the root |
 * | `.name`, `['name']`, `["name"]` | an object member |
 * | `.*`, `[*]` | every member of an object, every element of an array |
 * | `[2]`, `[-1]` | an array element, negative from the end |
 * | `['a','b']`, `[0,2]` | a union of names or indices |
 * | `[start:end:step]` | an array slice (Python semantics, any part optional) |
 * | `..name`, `..*`, `..[…]` | descendants at any depth (the node itself included), pre-order |
 * | `[?(@.a.b == 'x')]` | elements (of an array) or members (of an object) passing a filter |
 *
 * Filters compare a relative path (`@`, `@.a`, `@['a'][0]`) with a literal (number, string,
 * `true`, `false`, `null`) by `==`, `!=`, `<`, `<=`, `>`, `>=`; a bare relative path tests that the
 * value exists. Conditions combine with `&&`, `||`, `!` and parentheses. Not supported (a compile
 * error, reported at start-up): script expressions `(@.length-1)`, functions such as `length()`,
 * regex matches `=~`, and comparisons between two paths.
 *
 * Matches come out in document order, as both Gatling and Jayway produce them.
 */
import { err, ok, type Result } from "../../result.ts";

type Literal = string | number | boolean | null;

type Selector =
  | { readonly kind: "name"; readonly name: string }
  | { readonly kind: "wildcard" }
  | { readonly kind: "index"; readonly index: number }
  | {
      readonly kind: "slice";
      readonly start: number | null;
      readonly end: number | null;
      readonly step: number;
    }
  | { readonly kind: "filter"; readonly test: Filter };

type Filter =
  | { readonly kind: "exists"; readonly path: readonly Segment[] }
  | {
      readonly kind: "compare";
      readonly path: readonly Segment[];
      readonly op: "==" | "!=" | "<" | "<=" | ">" | ">=";
      readonly value: Literal;
    }
  | { readonly kind: "and" | "or"; readonly left: Filter; readonly right: Filter }
  | { readonly kind: "not"; readonly operand: Filter };

interface Segment {
  readonly descendant: boolean;
  readonly selectors: readonly Selector[];
}

/** A compiled JSONPath. */
export interface JsonPath {
  /** The text it was compiled from. */
  readonly text: string;
  readonly segments: readonly Segment[];
}

class PathSyntaxError extends Error {}

class Parser {
  pos = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    const found = this.pos < this.text.length ? `'${this.text[this.pos]}'` : "end of path";
    throw new PathSyntaxError(`${what} at position ${this.pos} of '${this.text}', found ${found}`);
  }

  peek(offset = 0): string {
    return this.text[this.pos + offset] ?? "";
  }

  skipSpaces(): void {
    while (this.peek() === " ") this.pos++;
  }

  eat(token: string): boolean {
    if (this.text.startsWith(token, this.pos)) {
      this.pos += token.length;
      return true;
    }
    return false;
  }

  expect(token: string): void {
    if (!this.eat(token)) this.fail(`expected '${token}'`);
  }

  /** Segments after `$` or `@`, up to the end or to a character that cannot continue a path. */
  segments(inFilter: boolean): Segment[] {
    const out: Segment[] = [];
    for (;;) {
      if (this.eat("..")) {
        if (this.peek() === "[") out.push({ descendant: true, selectors: this.bracket() });
        else out.push({ descendant: true, selectors: [this.dotSelector()] });
      } else if (this.eat(".")) {
        out.push({ descendant: false, selectors: [this.dotSelector()] });
      } else if (this.peek() === "[") {
        out.push({ descendant: false, selectors: this.bracket() });
      } else if (this.pos >= this.text.length || inFilter) {
        return out;
      } else {
        this.fail("expected '.', '..' or '['");
      }
    }
  }

  dotSelector(): Selector {
    if (this.eat("*")) return { kind: "wildcard" };
    const start = this.pos;
    while (this.pos < this.text.length && !/[.[\]()'"\s*=!<>&|,]/.test(this.peek())) this.pos++;
    if (this.pos === start) this.fail("expected a member name");
    return { kind: "name", name: this.text.slice(start, this.pos) };
  }

  quoted(): string {
    const quote = this.peek();
    this.pos++;
    let out = "";
    for (;;) {
      const c = this.peek();
      if (c === "") this.fail(`unterminated string`);
      this.pos++;
      if (c === quote) return out;
      if (c === "\\") {
        const next = this.peek();
        this.pos++;
        const escapes: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" };
        out += escapes[next] ?? next;
      } else {
        out += c;
      }
    }
  }

  integer(): number | null {
    const m = /^-?[0-9]+/.exec(this.text.slice(this.pos));
    if (m === null) return null;
    this.pos += m[0].length;
    return Number(m[0]);
  }

  bracket(): Selector[] {
    this.expect("[");
    this.skipSpaces();
    if (this.eat("?")) {
      this.skipSpaces();
      this.expect("(");
      const test = this.orExpression();
      this.skipSpaces();
      this.expect(")");
      this.skipSpaces();
      this.expect("]");
      return [{ kind: "filter", test }];
    }
    if (this.peek() === "(") this.fail("script expressions are not supported");
    const selectors: Selector[] = [];
    for (;;) {
      this.skipSpaces();
      const c = this.peek();
      if (c === "*") {
        this.pos++;
        selectors.push({ kind: "wildcard" });
      } else if (c === "'" || c === '"') {
        selectors.push({ kind: "name", name: this.quoted() });
      } else {
        const start = this.integer();
        this.skipSpaces();
        if (this.peek() === ":") {
          this.pos++;
          this.skipSpaces();
          const end = this.integer();
          this.skipSpaces();
          let step = 1;
          if (this.eat(":")) {
            this.skipSpaces();
            step = this.integer() ?? 1;
          }
          if (step === 0) this.fail("a slice step cannot be 0");
          selectors.push({ kind: "slice", start, end, step });
        } else if (start !== null) {
          selectors.push({ kind: "index", index: start });
        } else {
          this.fail("expected a name, an index, a slice, '*' or a filter");
        }
      }
      this.skipSpaces();
      if (this.eat(",")) continue;
      this.expect("]");
      return selectors;
    }
  }

  orExpression(): Filter {
    let left = this.andExpression();
    for (;;) {
      this.skipSpaces();
      if (!this.eat("||")) return left;
      left = { kind: "or", left, right: this.andExpression() };
    }
  }

  andExpression(): Filter {
    let left = this.unary();
    for (;;) {
      this.skipSpaces();
      if (!this.eat("&&")) return left;
      left = { kind: "and", left, right: this.unary() };
    }
  }

  unary(): Filter {
    this.skipSpaces();
    if (this.peek() === "!" && this.peek(1) !== "=") {
      this.pos++;
      return { kind: "not", operand: this.unary() };
    }
    if (this.eat("(")) {
      const inner = this.orExpression();
      this.skipSpaces();
      this.expect(")");
      return inner;
    }
    if (!this.eat("@")) this.fail("expected '@' in filter");
    const path = this.segments(true);
    this.skipSpaces();
    for (const op of ["==", "!=", "<=", ">=", "<", ">"] as const) {
      if (this.eat(op)) {
        this.skipSpaces();
        return { kind: "compare", path, op, value: this.literal() };
      }
    }
    if (this.text.startsWith("=~", this.pos)) this.fail("regex filters are not supported");
    return { kind: "exists", path };
  }

  literal(): Literal {
    const c = this.peek();
    if (c === "'" || c === '"') return this.quoted();
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.eat(word)) return value;
    }
    const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(this.text.slice(this.pos));
    if (m === null) this.fail("expected a literal");
    this.pos += m[0].length;
    return Number(m[0]);
  }
}

/**
 * Compiles a JSONPath, or explains why it is not one (or uses syntax outside this subset).
 *
 * @example compileJsonPath("$.store.book[?(@.price < 10)].title")
 */
export function compileJsonPath(text: string): Result<JsonPath, string> {
  const parser = new Parser(text);
  try {
    parser.skipSpaces();
    if (!parser.eat("$")) parser.fail("a JSONPath must start with '$'");
    const segments = parser.segments(false);
    return ok({ text, segments });
  } catch (e) {
    if (e instanceof PathSyntaxError) return err(e.message);
    throw e;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Where a match sits: in `parent` under `key`, or at the root (`parent` null). */
interface Location {
  readonly parent: Record<string, unknown> | unknown[] | null;
  readonly key: string | number;
  readonly value: unknown;
}

function sliceIndices(length: number, s: Extract<Selector, { kind: "slice" }>): number[] {
  const norm = (i: number) => (i < 0 ? Math.max(length + i, -1) : Math.min(i, length));
  const out: number[] = [];
  if (s.step > 0) {
    const start = s.start === null ? 0 : Math.max(norm(s.start), 0);
    const end = s.end === null ? length : norm(s.end);
    for (let i = start; i < end; i += s.step) out.push(i);
  } else {
    const start = s.start === null ? length - 1 : Math.min(norm(s.start), length - 1);
    const end = s.end === null ? -1 : norm(s.end);
    // A negative step walks backwards.
    for (let i = start; i > end; i = i + s.step) out.push(i);
  }
  return out;
}

function compare(op: Extract<Filter, { kind: "compare" }>["op"], a: unknown, b: Literal): boolean {
  switch (op) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    default: {
      // Ordering is defined between two numbers or two strings only.
      if (
        !(
          (typeof a === "number" && typeof b === "number") ||
          (typeof a === "string" && typeof b === "string")
        )
      ) {
        return false;
      }
      if (op === "<") return a < b;
      if (op === "<=") return a <= b;
      if (op === ">") return a > b;
      return a >= b;
    }
  }
}

function passes(filter: Filter, node: unknown): boolean {
  switch (filter.kind) {
    case "exists":
      return locate(filter.path, node).length > 0;
    case "compare":
      return locate(filter.path, node).some((l) => compare(filter.op, l.value, filter.value));
    case "and":
      return passes(filter.left, node) && passes(filter.right, node);
    case "or":
      return passes(filter.left, node) || passes(filter.right, node);
    case "not":
      return !passes(filter.operand, node);
  }
}

function select(selector: Selector, loc: Location, out: Location[]): void {
  const node = loc.value;
  switch (selector.kind) {
    case "name":
      if (isObject(node) && Object.hasOwn(node, selector.name)) {
        out.push({ parent: node, key: selector.name, value: node[selector.name] });
      }
      return;
    case "wildcard":
      if (Array.isArray(node)) {
        for (let i = 0; i < node.length; i++) out.push({ parent: node, key: i, value: node[i] });
      } else if (isObject(node))
        for (const [k, v] of Object.entries(node)) out.push({ parent: node, key: k, value: v });
      return;
    case "index":
      if (Array.isArray(node)) {
        const i = selector.index < 0 ? node.length + selector.index : selector.index;
        if (i >= 0 && i < node.length) out.push({ parent: node, key: i, value: node[i] });
      }
      return;
    case "slice":
      if (Array.isArray(node)) {
        for (const i of sliceIndices(node.length, selector))
          out.push({ parent: node, key: i, value: node[i] });
      }
      return;
    case "filter":
      if (Array.isArray(node)) {
        node.forEach((v, i) => {
          if (passes(selector.test, v)) out.push({ parent: node, key: i, value: v });
        });
      } else if (isObject(node)) {
        for (const [k, v] of Object.entries(node)) {
          if (passes(selector.test, v)) out.push({ parent: node, key: k, value: v });
        }
      }
      return;
  }
}

/** The node and every node below it, in pre-order. */
function descendants(loc: Location, out: Location[]): void {
  out.push(loc);
  const node = loc.value;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) descendants({ parent: node, key: i, value: node[i] }, out);
  } else if (isObject(node))
    for (const [k, v] of Object.entries(node)) descendants({ parent: node, key: k, value: v }, out);
}

function locate(segments: readonly Segment[], root: unknown): Location[] {
  let current: Location[] = [{ parent: null, key: "$", value: root }];
  for (const segment of segments) {
    const bases: Location[] = [];
    if (segment.descendant) for (const loc of current) descendants(loc, bases);
    else bases.push(...current);
    const next: Location[] = [];
    for (const loc of bases) for (const selector of segment.selectors) select(selector, loc, next);
    current = next;
  }
  return current;
}

/**
 * The values `path` matches in `json`, in document order; no match is an empty list.
 *
 * @example queryJsonPath(compiled("$.a[*].b"), { a: [{ b: 1 }, { b: 2 }] }) // [1, 2]
 */
export function queryJsonPath(path: JsonPath, json: unknown): unknown[] {
  return locate(path.segments, json).map((l) => l.value);
}

function deepCopy(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(deepCopy);
  if (isObject(json)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(json)) out[k] = deepCopy(v);
    return out;
  }
  return json;
}

/**
 * A copy of `json` in which every value `path` matches is replaced by `replace(value)` (as Jayway's
 * `DocumentContext.map`). A location matched twice is replaced once. The input is not modified.
 */
export function mapJsonPath(path: JsonPath, json: unknown, replace: (value: unknown) => unknown): unknown {
  const copy = deepCopy(json);
  const seen = new Map<object, Set<string | number>>();
  let root = copy;
  for (const loc of locate(path.segments, copy)) {
    if (loc.parent === null) {
      root = replace(loc.value);
      continue;
    }
    let keys = seen.get(loc.parent);
    if (keys === undefined) {
      keys = new Set();
      seen.set(loc.parent, keys);
    }
    if (keys.has(loc.key)) continue;
    keys.add(loc.key);
    (loc.parent as Record<string | number, unknown>)[loc.key] = replace(loc.value);
  }
  return root;
}
