/**
 * @module
 * fast-check generators for enriched events, shared by the codec's property tests. `enrichedEvent`
 * yields events as a tracker might leave them (strings with tabs, newlines and control characters);
 * `tsvCanonical` maps such an event to what the TSV round trip must give back.
 */
import fc from "fast-check";
import {
  type EnrichedEvent,
  enrichedFields,
  type FieldKind,
  type SelfDescribingJson,
} from "../src/core/event/enriched-event.ts";
import { canonicalDecimal } from "../src/core/event/java-decimal.ts";
import { canonicalFloat } from "../src/core/event/java-float.ts";
import { maxTimestamp, minTimestamp } from "../src/core/event/timestamp.ts";
import { makeTsvSafe } from "../src/core/event/tsv-safe.ts";

/** Text that stresses the TSV: tabs, CR/LF, other controls, DEL, C1 controls, astral characters. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.string({
    unit: fc.constantFrom(
      "a",
      "Z",
      " ",
      "\t",
      "\n",
      "\r",
      "\x00",
      "\x1f",
      "\x7f",
      "\u0085",
      "é",
      "😀",
      "\\",
      '"',
    ),
    maxLength: 12,
  }),
);

/** A decimal as Enrich would hold it: canonical `BigDecimal.toString()` text. */
export const decimalText: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom("", "-", "+"),
    fc.stringMatching(/^[0-9]{1,25}$/),
    fc.option(fc.stringMatching(/^[0-9]{0,12}$/), { nil: undefined }),
    fc.option(fc.integer({ min: -40, max: 40 }), { nil: undefined }),
  )
  .map(([sign, int, frac, exp]) => {
    const text = `${sign}${int}${frac === undefined ? "" : `.${frac}`}${exp === undefined ? "" : `E${exp}`}`;
    const canonical = canonicalDecimal(text);
    if (!canonical.ok) throw new Error(`generator made an invalid decimal ${text}`);
    return canonical.value;
  });

const segment = fc.stringMatching(/^[a-zA-Z0-9_]{1,10}$/);

/** An Iglu URI; `dashes` lets vendors and names contain `-` (which the JS SDK cannot handle). */
export function igluUri(dashes = true): fc.Arbitrary<string> {
  const part = dashes ? fc.stringMatching(/^[a-zA-Z0-9_-]{1,10}$/) : segment;
  const vendor = fc.array(part, { minLength: 1, maxLength: 3 }).map((p) => p.join("."));
  return fc
    .tuple(vendor, part, fc.constantFrom("jsonschema", "avro"), fc.nat(12), fc.nat(3), fc.nat(3))
    .map(([v, n, f, model, rev, add]) => `iglu:${v}/${n}/${f}/${model + 1}-${rev}-${add}`);
}

/** JSON data that survives `JSON.stringify`/`JSON.parse` unchanged. */
export const jsonData: fc.Arbitrary<unknown> = fc
  .jsonValue({ maxDepth: 3 })
  .map((v) => JSON.parse(JSON.stringify(v)) as unknown);

export function selfDescribingJson(dashes = true): fc.Arbitrary<SelfDescribingJson> {
  return fc.record({ schema: igluUri(dashes), data: jsonData });
}

export interface EventOptions {
  /** Allow `-` in schema vendors and names (default true). */
  readonly dashes?: boolean;
  /** Allow NaN in float columns (default true). */
  readonly nan?: boolean;
}

function byKind(kind: FieldKind, options: EventOptions): fc.Arbitrary<unknown> {
  const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 3 });
  switch (kind) {
    case "string":
      return nullable(hostileString);
    case "int":
      return nullable(fc.integer({ min: -2147483648, max: 2147483647 }));
    case "decimal":
      return nullable(decimalText);
    case "float":
      return nullable(fc.float({ noNaN: options.nan === false }).map(canonicalFloat));
    case "boolean":
      return nullable(fc.boolean());
    case "timestamp":
      return nullable(fc.integer({ min: minTimestamp, max: maxTimestamp }));
    case "contexts":
      return fc.array(selfDescribingJson(options.dashes ?? true), { maxLength: 4 });
    case "unstruct":
      return nullable(selfDescribingJson(options.dashes ?? true));
  }
}

/** Events with every kind of column, each possibly empty. */
export function enrichedEvent(options: EventOptions = {}): fc.Arbitrary<EnrichedEvent> {
  const model = Object.fromEntries(enrichedFields.map((f) => [f.name, byKind(f.kind, options)]));
  return fc.record(model) as unknown as fc.Arbitrary<EnrichedEvent>;
}

/** What decoding the TSV of `event` gives: every string made TSV-safe. */
export function tsvCanonical(event: EnrichedEvent): EnrichedEvent {
  const out = { ...event } as unknown as Record<string, unknown>;
  for (const f of enrichedFields) {
    const v = out[f.name];
    if (f.kind === "string" && typeof v === "string") out[f.name] = makeTsvSafe(v);
  }
  return out as unknown as EnrichedEvent;
}
