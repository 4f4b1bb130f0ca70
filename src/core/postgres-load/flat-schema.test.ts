import { describe, expect, test } from "bun:test";
import { formatPgType } from "./column-type.ts";
import { entityColumns, flattenSchema } from "./flat-schema.ts";

const columns = (schemas: unknown[], reserved: string[] = []) =>
  entityColumns(schemas, reserved).map(
    (c) => `${c.name} ${formatPgType(c.type)}${c.nullable ? "" : " NOT NULL"}`,
  );

const object = (properties: Record<string, unknown>, required: string[] = [], extra = {}) => ({
  type: "object",
  properties,
  required,
  additionalProperties: false,
  ...extra,
});

describe("flattenSchema (schema-ddl FlatSchema.build)", () => {
  test("nested objects become dotted leaves; arrays, unions and property-less objects are leaves", () => {
    const schema = object({
      id: { type: "string" },
      target: object({ url: { type: "string" }, position: object({ x: { type: "integer" } }) }),
      tags: { type: "array", items: object({ ignored: { type: "string" } }) },
      mixed: { type: ["object", "string"], properties: { a: { type: "string" } } },
      free: { type: "object" },
    });
    expect(flattenSchema(schema).map((l) => l.path.join("."))).toEqual([
      "id",
      "target.url",
      "target.position.x",
      "tags",
      "mixed",
      "free",
    ]);
  });

  test("a root that is not an object has no columns", () => {
    expect(flattenSchema({ type: "string" })).toEqual([]);
    expect(flattenSchema({ type: "object" })).toEqual([]);
    expect(flattenSchema(true)).toEqual([]);
  });

  test("oneOf members of different types make a leaf", () => {
    const schema = object({ v: { oneOf: [{ type: "string" }, { type: "integer" }], properties: { a: {} } } });
    expect(flattenSchema(schema).map((l) => l.path.join("."))).toEqual(["v"]);
  });
});

describe("entityColumns (FlatSchema.extractProperties and transform.getNameType)", () => {
  test("orders by (nullable, name) with snake_case names and Type.scala types", () => {
    const schema = object(
      {
        targetUrl: { type: "string", maxLength: 4096 },
        elementId: { type: "string" },
        elementClasses: { type: ["array", "null"], items: { type: "string" } },
        count: { type: "integer", maximum: 10 },
        when: { type: "string", format: "date-time" },
      },
      ["targetUrl", "count"],
    );
    expect(columns([schema])).toEqual([
      "count INTEGER NOT NULL",
      "target_url VARCHAR(4096) NOT NULL",
      "element_classes JSONB",
      "element_id VARCHAR(4096)",
      "when TIMESTAMP",
    ]);
  });

  test("a nested property is NOT NULL only if every parent is required and none allows null", () => {
    const schema = object(
      {
        a: object({ b: { type: "string" } }, ["b"]),
        c: object({ d: { type: "string" } }, ["d"]),
        e: { type: ["object", "null"], properties: { f: { type: "string" } }, required: ["f"] },
      },
      ["a", "e"],
    );
    expect(columns([schema])).toEqual([
      "a.b VARCHAR(4096) NOT NULL",
      "c.d VARCHAR(4096)",
      "e.f VARCHAR(4096)",
    ]);
  });

  test("later versions append their new columns, nullable, sorted among themselves", () => {
    const v1 = object({ id: { type: "string", maxLength: 36 } }, ["id"]);
    const v2 = object(
      { id: { type: "string", maxLength: 36 }, zeta: { type: "boolean" }, alpha: { type: "number" } },
      ["id"],
    );
    const v3 = object(
      {
        id: { type: "string", maxLength: 36 },
        zeta: { type: "boolean" },
        alpha: { type: "number" },
        beta: { type: "string" },
      },
      ["id", "beta"],
    );
    expect(columns([v1, v2, v3])).toEqual([
      "id VARCHAR(36) NOT NULL",
      "alpha DOUBLE PRECISION",
      "zeta BOOLEAN",
      "beta VARCHAR(4096)",
    ]);
  });

  test("a VARCHAR a later version lengthens is widened; other type changes keep the first type", () => {
    const v1 = object({ s: { type: "string", maxLength: 10 }, n: { type: "integer", maximum: 5 } });
    const v2 = object({ s: { type: "string", maxLength: 200 }, n: { type: "integer" } });
    expect(columns([v1, v2])).toEqual(["n INTEGER", "s VARCHAR(200)"]);
  });

  test("a property removed and added back is one column", () => {
    const v1 = object({ a: { type: "string" }, b: { type: "string" } });
    const v2 = object({ a: { type: "string" } });
    const v3 = object({ a: { type: "string" }, b: { type: "string" } });
    expect(columns([v1, v2, v3])).toEqual(["a VARCHAR(4096)", "b VARCHAR(4096)"]);
  });

  test("names that collide, with each other or with meta columns, get a hash suffix", () => {
    const schema = object({
      fooBar: { type: "string" },
      foo_bar: { type: "string" },
      root_id: { type: "string" },
    });
    const names = entityColumns([schema], ["root_id"]).map((c) => c.name);
    expect(new Set(names).size).toBe(3);
    expect(names.filter((n) => n === "foo_bar")).toHaveLength(1);
    expect(names.some((n) => /^foo_bar_[0-9a-f]{8}$/.test(n))).toBe(true);
    expect(names.some((n) => /^root_id_[0-9a-f]{8}$/.test(n))).toBe(true);
  });

  test("the path keeps the data's property names", () => {
    const [column] = entityColumns([object({ targetUrl: object({ fullHref: { type: "string" } }) })]);
    expect(column?.name).toBe("target_url.full_href");
    expect(column?.path).toEqual(["targetUrl", "fullHref"]);
  });
});
