import { describe, expect, test } from "bun:test";
import {
  fitIdentifier,
  fnv1aHex,
  MAX_IDENTIFIER_BYTES,
  qualifiedName,
  quoteIdentifier,
  snakeCase,
  tableNameOf,
} from "./identifier.ts";

const key = (vendor: string, name: string, model: number) => ({
  vendor,
  name,
  version: { model, revision: 0, addition: 0 },
});

describe("snakeCase (schema-ddl StringUtils.snakeCase)", () => {
  test("splits camelCase, PascalCase and acronyms, turns hyphens into underscores", () => {
    expect(snakeCase("PascalCase")).toBe("pascal_case");
    expect(snakeCase("camelCase")).toBe("camel_case");
    expect(snakeCase("HTTPHeader")).toBe("http_header");
    expect(snakeCase("targetUrl")).toBe("target_url");
    expect(snakeCase("userAccountID")).toBe("user_account_id");
    expect(snakeCase("add-to-basket")).toBe("add_to_basket");
    expect(snakeCase("already_snake")).toBe("already_snake");
    expect(snakeCase("v2Value")).toBe("v2_value");
  });
});

describe("tableNameOf (schema-ddl StringUtils.getTableName)", () => {
  test("vendor dots and hyphens become underscores, the name is snake_case, the model ends it", () => {
    expect(tableNameOf(key("com.acme", "PascalCase", 13))).toBe("com_acme_pascal_case_13");
    expect(tableNameOf(key("com.snowplowanalytics.snowplow", "link_click", 1))).toBe(
      "com_snowplowanalytics_snowplow_link_click_1",
    );
    expect(tableNameOf(key("com.my-company", "Event", 2))).toBe("com_my_company_event_2");
  });

  test("a name over 63 bytes keeps a prefix and a hash, so Postgres does not cut it silently", () => {
    const long = tableNameOf(
      key("com.snowplowanalytics.snowplow.badrows", "collector_payload_format_violation", 1),
    );
    expect(new TextEncoder().encode(long).length).toBeLessThanOrEqual(MAX_IDENTIFIER_BYTES);
    expect(long.startsWith("com_snowplowanalytics_snowplow_badrows_collector_payl")).toBe(true);
    expect(long).toMatch(/_[0-9a-f]{8}$/);
    expect(
      tableNameOf(key("com.snowplowanalytics.snowplow.badrows", "collector_payload_format_violation", 1)),
    ).toBe(long);
  });
});

describe("fitIdentifier", () => {
  test("leaves names of up to 63 bytes alone", () => {
    const name = "a".repeat(63);
    expect(fitIdentifier(name)).toBe(name);
  });

  test("two long names with the same first 63 bytes stay distinct", () => {
    const a = `${"x".repeat(70)}_one`;
    const b = `${"x".repeat(70)}_two`;
    expect(fitIdentifier(a)).not.toBe(fitIdentifier(b));
    expect(fitIdentifier(a).length).toBe(63);
  });

  test("cuts between characters, counting UTF-8 bytes", () => {
    const fitted = fitIdentifier("é".repeat(40));
    expect(new TextEncoder().encode(fitted).length).toBeLessThanOrEqual(63);
    expect(fitted.startsWith("é".repeat(27))).toBe(true);
  });

  test("FNV-1a matches its reference vectors", () => {
    expect(fnv1aHex("")).toBe("811c9dc5");
    expect(fnv1aHex("a")).toBe("e40c292c");
    expect(fnv1aHex("foobar")).toBe("bf9cf968");
  });
});

describe("quoting", () => {
  test("quotes names with dots and doubles inner quotes", () => {
    expect(quoteIdentifier("a.b_c")).toBe('"a.b_c"');
    expect(quoteIdentifier('we"ird')).toBe('"we""ird"');
    expect(qualifiedName("atomic", "events")).toBe('"atomic"."events"');
  });
});
