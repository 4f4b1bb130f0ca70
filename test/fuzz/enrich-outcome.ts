/**
 * @module
 * What the fuzzers demand of enrich's output, whatever the input: every raw record ends as at least
 * one good event or bad row (never nothing, never a throw, never a generic_error, the row kept for
 * bugs); every good or failed event is TSV that reads back; every bad row is self-describing JSON
 * valid against its Iglu Central schema (snowplow-badrows), checked when `../shared` is present.
 */
import { expect } from "bun:test";
import { readFileSync } from "node:fs";
import { BAD_ROW_VENDOR, type BadRow, serializeBadRow } from "../../src/core/badrows/bad-row.ts";
import { type EnrichOutput, EnrichPipeline } from "../../src/core/enrich/pipeline.ts";
import { ETL_TSTAMP, TEST_PROCESSOR } from "../../src/core/enrich/test-records.test-support.ts";
import { decodeEnrichedTsv, encodeEnrichedTsv } from "../../src/core/event/tsv.ts";
import { parseSchemaKey } from "../../src/core/iglu/schema-key.ts";
import { SchemaValidator } from "../../src/core/iglu/schema-validator.ts";
import { parseSelfDescribingSchema } from "../../src/core/iglu/self-describing-schema.ts";
import { testResolver } from "../support/enrich-test-resolver.ts";
import { sharedDir } from "../support/shared.ts";

/** Enrich as the fuzzers run it: the offline test resolver, failed events emitted too. */
export function fuzzPipeline(): EnrichPipeline {
  return new EnrichPipeline({ resolver: testResolver(), processor: TEST_PROCESSOR, emitFailed: true });
}

const validator = new SchemaValidator();
const schemas = new Map<string, Record<string, unknown>>();

/** Iglu Central's schema for `uri`, read once. */
function igluCentralSchema(uri: string): Record<string, unknown> {
  let schema = schemas.get(uri);
  if (schema === undefined) {
    const path = `${sharedDir}/iglu-central/schemas/${uri.replace("iglu:", "")}`;
    const parsed = parseSelfDescribingSchema(JSON.parse(readFileSync(path, "utf8")));
    if (!parsed.ok) throw new Error(`${uri}: ${parsed.error.message}`);
    schema = parsed.value.schema as Record<string, unknown>;
    schemas.set(uri, schema);
  }
  return schema;
}

/**
 * The one way Snowplow's own bad rows break their schemas, kept as Snowplow writes them: the
 * schemas cap strings copied verbatim from the request (a query-string parameter's name and value
 * at 512 characters, a header at 8192, the path's vendor at 64 and version at 16), but Enrich
 * copies the input whole, since recovery needs it, and so do we. A `cx` of a few contexts, a big
 * cookie header or a long path is longer.
 */
const COPIED_INPUT = /^\$\.(payload\.|failure\.(vendor|version)$)/;

/** Bad rows that validated only by tolerating over-long copied input; the fuzzers print it. */
export const toleratedLongInput = { rows: 0 };

/** Validates self-describing JSON against Iglu Central (a no-op without `../shared`). */
export function checkAgainstIgluCentral(json: { schema: string; data: unknown }): void {
  if (!sharedDir) return;
  const key = parseSchemaKey(json.schema);
  if (!key.ok) throw new Error(`not a schema URI: ${json.schema}`);
  const result = validator.validate(key.value, igluCentralSchema(json.schema), json.data);
  let errors: unknown = [];
  if (!result.ok) {
    const reports = result.error.kind === "InvalidData" ? result.error.dataReports : [];
    const tolerated = reports.filter((r) => r.keyword === "maxLength" && COPIED_INPUT.test(r.path ?? ""));
    if (reports.length === 0 || tolerated.length < reports.length) errors = result.error;
    else toleratedLongInput.rows++;
  }
  expect({ schema: json.schema, errors }).toEqual({ schema: json.schema, errors: [] });
}

/** Checks one serialized bad row (as a bad stream holds it); returns its kind. */
export function checkBadRowText(text: string): string {
  const json = JSON.parse(text) as { schema: string; data: unknown };
  const prefix = `iglu:${BAD_ROW_VENDOR}/`;
  expect(json.schema.startsWith(prefix)).toBe(true);
  const kind = json.schema.slice(prefix.length).split("/")[0]!;
  expect(kind).not.toBe("generic_error");
  checkAgainstIgluCentral(json);
  return kind;
}

/** Checks one bad row as the pipeline returned it. */
export function checkBadRow(row: BadRow): void {
  expect(row.kind).not.toBe("generic_error");
  checkBadRowText(serializeBadRow(row));
}

/** Checks one record's output; throws (a failed expectation) on any breach. */
export function checkEnrichOutput(out: EnrichOutput): void {
  expect(out.good.length + out.bad.length).toBeGreaterThan(0);
  for (const row of out.bad) checkBadRow(row);
  for (const event of [...out.good, ...out.failed]) {
    const back = decodeEnrichedTsv(encodeEnrichedTsv(event));
    if (!back.ok) throw new Error(`unreadable TSV: ${JSON.stringify(back.error)}`);
  }
  for (const event of out.failed) {
    for (const entity of event.derived_contexts) {
      if (entity.schema.includes("/failure/")) checkAgainstIgluCentral(entity);
    }
  }
}

/** Enriches one raw record and checks the outcome; returns it for counting. */
export async function enrichAndCheck(pipeline: EnrichPipeline, record: Uint8Array): Promise<EnrichOutput> {
  const out = await pipeline.enrichRecord(record, ETL_TSTAMP);
  checkEnrichOutput(out);
  return out;
}

/** Tallies of enrich outcomes across a fuzzer's cases, printed at its end. */
export class OutcomeTally {
  records = 0;
  good = 0;
  readonly bad = new Map<string, number>();

  add(out: EnrichOutput): void {
    this.records++;
    this.good += out.good.length;
    for (const row of out.bad) this.bad.set(row.kind, (this.bad.get(row.kind) ?? 0) + 1);
  }

  toString(): string {
    const bad = [...this.bad].map(([k, n]) => `${k} ${n}`).join(", ");
    const long = toleratedLongInput.rows;
    return `${this.records} records enriched: ${this.good} good, bad rows: ${bad || "none"} (so far ${long} row(s) carry input longer than their schema's cap, as Snowplow writes them)`;
  }
}
