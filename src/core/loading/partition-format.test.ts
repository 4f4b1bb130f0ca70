/** @module Partition templates: Snowplow 3.x tokens, `{app}`, Hive presets, escaping, and the errors. */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { parseSchemaKey } from "../iglu/schema-key.ts";
import {
  escapePartitionValue,
  HIVE_PARTITIONING,
  parsePartitionFormat,
  partitionsByApp,
  renderPartition,
  SNOWPLOW_PARTITIONING,
} from "./partition-format.ts";

const time = Date.parse("2024-02-09T07:05:03.999Z");
const schema = (() => {
  const key = parseSchemaKey(
    "iglu:com.snowplowanalytics.snowplow.badrows/schema_violations/jsonschema/2-0-1",
  );
  if (!key.ok) throw new Error("fixture");
  return key.value;
})();

const parse = (template: string, purpose: "raw" | "enriched" | "bad" = "bad") => {
  const parsed = parsePartitionFormat(template, purpose);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
};

describe("renderPartition", () => {
  test("Snowplow's default for self-describing data is one folder per schema", () => {
    expect(renderPartition(parse(SNOWPLOW_PARTITIONING.bad!), { time, schema })).toBe(
      "com.snowplowanalytics.snowplow.badrows.schema_violations",
    );
    expect(SNOWPLOW_PARTITIONING.raw).toBeNull();
    expect(SNOWPLOW_PARTITIONING.enriched).toBeNull();
  });

  test("every 3.x token, times in UTC with MM the month and mm the minute", () => {
    const format = parse("{vendor}/{schema}/{name}/{format}/{model}/{yyyy}-{MM}-{dd}T{HH}:{mm}:{ss}");
    expect(renderPartition(format, { time, schema })).toBe(
      "com.snowplowanalytics.snowplow.badrows/schema_violations/schema_violations/jsonschema/2/2024-02-09T07:05:03",
    );
  });

  test("Hive presets give key=value folders", () => {
    expect(renderPartition(parse(HIVE_PARTITIONING.enriched, "enriched"), { time })).toBe(
      "year=2024/month=02/day=09/hour=07",
    );
    expect(renderPartition(parse(HIVE_PARTITIONING.bad), { time, schema })).toBe(
      "com.snowplowanalytics.snowplow.badrows.schema_violations/model=2/year=2024/month=02/day=09/hour=07",
    );
  });

  test("{app} is the escaped app_id, 'unknown' when empty (Snowplow 2.x)", () => {
    const format = parse("app={app}/{yyyy}", "enriched");
    expect(partitionsByApp(format)).toBe(true);
    expect(partitionsByApp(parse("{yyyy}", "enriched"))).toBe(false);
    expect(renderPartition(format, { time, app: "shop-1.web_2" })).toBe("app=shop-1.web_2/2024");
    expect(renderPartition(format, { time, app: "a/b c" })).toBe("app=a%2Fb%20c/2024");
    expect(renderPartition(format, { time, app: null })).toBe("app=unknown/2024");
    expect(renderPartition(format, { time, app: "" })).toBe("app=unknown/2024");
  });
});

describe("escapePartitionValue", () => {
  test("keeps safe values, escapes the rest as %XX of UTF-8, and never yields . or ..", () => {
    expect(escapePartitionValue("web-app_1.0")).toBe("web-app_1.0");
    expect(escapePartitionValue("caf\u00e9=%")).toBe("caf%C3%A9%3D%25");
    expect(escapePartitionValue(".")).toBe("%2E");
    expect(escapePartitionValue("..")).toBe("%2E%2E");
    expect(escapePartitionValue("a..b")).toBe("a..b");
  });

  test("the result is one safe segment that unescapes to the value", () => {
    fc.assert(
      // Well-formed UTF-16 only: a lone surrogate has no UTF-8 of its own.
      fc.property(fc.string({ minLength: 1, unit: "grapheme" }), (value) => {
        const escaped = escapePartitionValue(value);
        expect(escaped).toMatch(/^[A-Za-z0-9._%-]+$/);
        expect(escaped).not.toBe(".");
        expect(escaped).not.toBe("..");
        expect(decodeURIComponent(escaped)).toBe(value);
      }),
    );
  });
});

describe("parsePartitionFormat errors", () => {
  const problem = (template: string, purpose: "raw" | "enriched" | "bad") => {
    const parsed = parsePartitionFormat(template, purpose);
    return parsed.ok ? null : parsed.error;
  };

  test("schema tokens only for self-describing data (3.x: enriched only by date and time)", () => {
    expect(problem("{vendor}", "enriched")).toContain("can only be partitioned by time");
    expect(problem("{model}", "raw")).toContain("can only be partitioned by time");
  });

  test("{app} only for enriched events", () => {
    expect(problem("{app}", "raw")).toContain("{app}");
    expect(problem("{app}", "bad")).toContain("{app}");
  });

  test("unknown tokens, with a hint for Snowplow 2.x spellings", () => {
    expect(problem("{vendor}/{whatever}", "bad")).toContain("unknown token {whatever}");
    expect(problem("date={yy}-{mm}-{dd}", "bad")).toContain("write {yyyy}");
    expect(problem("{hh}", "raw")).toContain("{HH}");
  });

  test("unclosed braces, absolute paths and .. segments", () => {
    expect(problem("{yyyy", "raw")).toContain("never closed");
    expect(problem("/{yyyy}", "raw")).toContain("relative");
    expect(problem("../{yyyy}", "raw")).toContain("..");
  });

  test("literal folders and empty parts are fine", () => {
    expect(problem("events/date={yyyy}{MM}{dd}", "enriched")).toBeNull();
    expect(renderPartition(parse("fixed", "raw"), { time })).toBe("fixed");
  });
});
