/**
 * @module
 * Partition templates: the folders an S3 loader puts a file under, below its output path.
 *
 * Tokens are Snowplow S3 loader 3.x's (`DynamicPath.scala`), case-sensitive, times in UTC:
 * `{vendor}`, `{schema}` and its synonym `{name}`, `{format}`, `{model}` (self-describing data
 * only), and `{yyyy}`, `{MM}` (month), `{dd}`, `{HH}`, `{mm}` (minute), `{ss}`. Snowplow 2.x also
 * had `{app}` (the app_id of enriched events, `KinesisS3Emitter.getBaseFilename`), which Furrow
 * keeps. 2.x's `{yy}` and lower-case `{mm}`/`{hh}` for year, month and hour are not read: 3.x gave
 * `{mm}` to the minute, and a template meaning one thing in one version and another in the next is
 * refused with a hint instead.
 *
 * Hive-style partitions are templates too: `year={yyyy}/month={MM}/day={dd}` gives folders that
 * Athena, Spark and Hive read as partition columns. `HIVE_PARTITIONING` holds a preset for each
 * purpose. Values that come from data (`{app}`) are escaped the way Hive escapes partition values
 * (`FileUtils.escapePathName`: `%` and two upper-case hex digits), so an app_id can never add a
 * folder level or break a key.
 *
 * As in 3.x, enriched events cannot be partitioned by schema (they have none), and an unknown
 * token is a configuration error, not a literal folder name.
 */
import type { SchemaKey } from "../iglu/schema-key.ts";
import { err, ok, type Result } from "../result.ts";
import type { LoaderPurpose } from "./purpose.ts";

/** The tokens of self-describing data. */
export const SCHEMA_TOKENS = ["vendor", "schema", "name", "format", "model"] as const;
/** The time tokens, in UTC (Java `DateTimeFormatter` letters: `MM` month, `mm` minute). */
export const TIME_TOKENS = ["yyyy", "MM", "dd", "HH", "mm", "ss"] as const;
export type PartitionToken = (typeof SCHEMA_TOKENS)[number] | (typeof TIME_TOKENS)[number] | "app";

/** A parsed template: literal text and tokens, in order. */
export interface PartitionFormat {
  readonly template: string;
  readonly parts: readonly (string | { readonly token: PartitionToken })[];
}

/** What a file's partition is rendered from. */
export interface PartitionValues {
  /** Epoch milliseconds: the write time (Snowplow) or, with sequence naming, the first record's arrival. */
  readonly time: number;
  /** The schema of self-describing data; absent for raw and enriched. */
  readonly schema?: SchemaKey;
  /** The app_id of enriched events, for `{app}`; null when the column is empty. */
  readonly app?: string | null;
}

/**
 * Snowplow's default partition of each purpose: none for raw and enriched data, `{vendor}.{schema}`
 * for self-describing data, so that each bad-row type gets its own folder (3.x
 * `DynamicPath.validatePartitionFormat`, 2.x `S3Output.partitionForPurpose`).
 */
export const SNOWPLOW_PARTITIONING: Readonly<Record<LoaderPurpose, string | null>> = {
  raw: null,
  enriched: null,
  bad: "{vendor}.{schema}",
};

/**
 * Hive-style presets: one folder level per partition column, by hour. Bad rows keep Snowplow's
 * folder per schema on top (one table per bad-row type, since their payloads differ), with the
 * model as a partition column, because two models of one schema are different tables' worth of
 * columns.
 */
export const HIVE_PARTITIONING: Readonly<Record<LoaderPurpose, string>> = {
  raw: "year={yyyy}/month={MM}/day={dd}/hour={HH}",
  enriched: "year={yyyy}/month={MM}/day={dd}/hour={HH}",
  bad: "{vendor}.{schema}/model={model}/year={yyyy}/month={MM}/day={dd}/hour={HH}",
};

const ALL_TOKENS: readonly PartitionToken[] = [...SCHEMA_TOKENS, ...TIME_TOKENS, "app"];

/** Snowplow 2.x spellings with another meaning (or none) in 3.x, and what to write instead. */
const LEGACY_HINTS: Readonly<Record<string, string>> = {
  yy: "{yyyy}",
  yyy: "{yyyy}",
  hh: "{HH} for the hour",
};

/**
 * Parses and checks a template for `purpose`. Errors are one line: an unknown token, a schema
 * token for raw or enriched data, `{app}` outside enriched data, or a `..`/absolute path.
 */
export function parsePartitionFormat(
  template: string,
  purpose: LoaderPurpose,
): Result<PartitionFormat, string> {
  const parts: (string | { token: PartitionToken })[] = [];
  let literal = "";
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf("{", i);
    if (open < 0) {
      literal += template.slice(i);
      break;
    }
    literal += template.slice(i, open);
    const close = template.indexOf("}", open);
    if (close < 0) return err(`partition format '${template}': '{' at ${open} is never closed`);
    const name = template.slice(open + 1, close);
    const token = ALL_TOKENS.find((t) => t === name);
    if (token === undefined) {
      const hint = LEGACY_HINTS[name];
      return err(
        `partition format '${template}': unknown token {${name}}` +
          (hint
            ? ` (Snowplow 2.x spelling; write ${hint})`
            : ` (known: ${ALL_TOKENS.map((t) => `{${t}}`).join(" ")})`),
      );
    }
    if ((SCHEMA_TOKENS as readonly string[]).includes(token) && purpose !== "bad") {
      // S3 loader 3.x: "Enriched events can only get partitioned by date and time".
      return err(
        `partition format '${template}': {${token}} needs self-describing data; ${purpose} data can only be partitioned by time${purpose === "enriched" ? " and {app}" : ""}`,
      );
    }
    if (token === "app" && purpose !== "enriched") {
      return err(
        `partition format '${template}': {app} is the app_id of enriched events, not of ${purpose} data`,
      );
    }
    if (literal !== "") parts.push(literal);
    literal = "";
    parts.push({ token });
    i = close + 1;
  }
  if (literal !== "") parts.push(literal);
  if (template.startsWith("/"))
    return err(`partition format '${template}': must be relative (no leading '/')`);
  if (template.split("/").some((segment) => segment === "..")) {
    return err(`partition format '${template}': '..' would leave the output path`);
  }
  return ok({ template, parts });
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

function timePart(token: (typeof TIME_TOKENS)[number], date: Date): string {
  switch (token) {
    case "yyyy":
      return String(date.getUTCFullYear()).padStart(4, "0");
    case "MM":
      return pad2(date.getUTCMonth() + 1);
    case "dd":
      return pad2(date.getUTCDate());
    case "HH":
      return pad2(date.getUTCHours());
    case "mm":
      return pad2(date.getUTCMinutes());
    case "ss":
      return pad2(date.getUTCSeconds());
  }
}

/**
 * Escapes a value taken from data for one path segment, as Hive escapes partition values: every
 * UTF-8 byte outside `A-Z a-z 0-9 . _ -` becomes `%XX` (Hive escapes fewer characters; escaping
 * more keeps S3 keys plain). A value made only of dots is escaped whole, so it is never `.` or `..`.
 */
export function escapePartitionValue(value: string): string {
  const onlyDots = /^\.+$/.test(value);
  if (!onlyDots && SAFE_VALUE.test(value)) return value;
  let out = "";
  for (const byte of utf8.encode(value)) {
    out += SAFE_BYTES[byte] === 1 && !(onlyDots && byte === 0x2e) ? String.fromCharCode(byte) : HEX[byte];
  }
  return out;
}

const utf8 = new TextEncoder();
const SAFE_VALUE = /^[A-Za-z0-9._-]+$/;
/** 1 for the bytes of `A-Z a-z 0-9 . _ -`. */
const SAFE_BYTES = Uint8Array.from({ length: 256 }, (_, b) =>
  SAFE_VALUE.test(String.fromCharCode(b)) ? 1 : 0,
);
const HEX = Array.from({ length: 256 }, (_, b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`);

/** The value of `{app}` when app_id is empty, as Snowplow 2.x writes it. */
export const UNKNOWN_APP = "unknown";

/**
 * Renders a template. Schema tokens need `values.schema` (a parsed `PartitionFormat` only holds
 * them for self-describing data); `{model}` is the SchemaVer model.
 */
export function renderPartition(format: PartitionFormat, values: PartitionValues): string {
  const date = new Date(values.time);
  let out = "";
  for (const part of format.parts) {
    if (typeof part === "string") {
      out += part;
      continue;
    }
    switch (part.token) {
      case "vendor":
        out += values.schema?.vendor ?? "unknown";
        break;
      case "schema":
      case "name":
        out += values.schema?.name ?? "unknown";
        break;
      case "format":
        out += values.schema?.format ?? "unknown";
        break;
      case "model":
        out += values.schema ? String(values.schema.version.model) : "-1";
        break;
      case "app":
        out += escapePartitionValue(values.app || UNKNOWN_APP);
        break;
      default:
        out += timePart(part.token, date);
    }
  }
  return out;
}

/** True when the template holds `{app}`: enriched events are then grouped by app_id. */
export const partitionsByApp = (format: PartitionFormat | null): boolean =>
  format?.parts.some((p) => typeof p !== "string" && p.token === "app") ?? false;
