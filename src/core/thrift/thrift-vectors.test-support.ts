/**
 * @module
 * Test data for the codec: the reference vectors of `../shared/reference/thrift-vectors.md`
 * (parsed from the markdown, which tests read at run time) and the project's own records in
 * `fixtures/thrift/` (`NAME.json` holds the struct, `NAME.b64` the bytes the `thrift` package
 * writes for it). Parsing is pure; the tests do the file reading.
 */
import { COLLECTOR_PAYLOAD_FIELDS, type CollectorPayload } from "./collector-payload.ts";

/** One vector: its heading, stated size, base64 text and the values it must decode to. */
export interface ThriftVector {
  readonly name: string;
  readonly size: number;
  readonly base64: string;
  readonly expected: CollectorPayload;
  /** The `id name (type)` triples as the markdown states them, to check our field table. */
  readonly fields: readonly { id: number; name: string; type: string }[];
}

/** The vectors in a thrift-vectors.md text: `## NAME (N bytes)`, a code block, a value list. */
export function parseThriftVectors(markdown: string): ThriftVector[] {
  const sections = markdown.split(/^## /m).slice(1);
  return sections.map((section) => {
    const heading = /^(\S+) \((\d+) bytes\)/.exec(section);
    const block = /```\s*\n([A-Za-z0-9+/=\s]+?)\n```/.exec(section);
    if (!heading || !block) throw new Error(`unexpected vector section: ${section.slice(0, 60)}`);
    const expected: Record<string, unknown> = { timestamp: 0 };
    const fields: { id: number; name: string; type: string }[] = [];
    for (const m of section.matchAll(/^- (\d+) (\w+) \(([^)]+)\): (.*)$/gm)) {
      const [, id, name, type, raw] = m as unknown as [string, string, string, string, string];
      fields.push({ id: Number(id), name, type });
      if (type === "i64") expected[name] = Number(raw);
      else if (type === "string") expected[name] = unquote(raw);
      else if (type === "list<string>")
        expected[name] = [...raw.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((q) => q[1]);
      else throw new Error(`unexpected type ${type} in vector ${heading[1]}`);
    }
    return {
      name: heading[1]!,
      size: Number(heading[2]),
      base64: block[1]!.replace(/\s+/g, ""),
      expected: expected as unknown as CollectorPayload,
      fields,
    };
  });
}

function unquote(raw: string): string {
  const m = /^'(.*)'$/.exec(raw.trim());
  if (!m) throw new Error(`expected a quoted string, got ${raw}`);
  return m[1]!;
}

/** A fixture's JSON text as a CollectorPayload, with keys checked against the IDL. */
export function parseFixture(json: string): CollectorPayload {
  const value = JSON.parse(json) as Record<string, unknown>;
  const known = new Set<string>(COLLECTOR_PAYLOAD_FIELDS.map((f) => f.name));
  for (const key of Object.keys(value)) if (!known.has(key)) throw new Error(`unknown fixture field ${key}`);
  return { timestamp: 0, ...value } as CollectorPayload;
}
