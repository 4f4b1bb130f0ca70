/**
 * @module
 * The JSONPath subset, on the classic Goessner "store" document and on the shapes Snowplow's
 * configs use (`$.userId`, `$.record[0].value`, `$..email`), plus its refusals.
 */
import { describe, expect, test } from "bun:test";
import { compileJsonPath, type JsonPath, mapJsonPath, queryJsonPath } from "./json-path.ts";

const store = {
  store: {
    book: [
      { category: "reference", author: "Nigel Rees", title: "Sayings of the Century", price: 8.95 },
      { category: "fiction", author: "Evelyn Waugh", title: "Sword of Honour", price: 12.99 },
      {
        category: "fiction",
        author: "Herman Melville",
        title: "Moby Dick",
        isbn: "0-553-21311-3",
        price: 8.99,
      },
      { category: "fiction", author: "J. R. R. Tolkien", title: "The Lord of the Rings", price: 22.99 },
    ],
    bicycle: { color: "red", price: 19.95 },
  },
};

function path(text: string): JsonPath {
  const compiled = compileJsonPath(text);
  if (!compiled.ok) throw new Error(compiled.error);
  return compiled.value;
}

const q = (text: string, json: unknown = store) => queryJsonPath(path(text), json);

describe("queryJsonPath", () => {
  test("root, members and indices", () => {
    expect(q("$")).toEqual([store]);
    expect(q("$.store.bicycle.color")).toEqual(["red"]);
    expect(q("$['store']['bicycle'][\"price\"]")).toEqual([19.95]);
    expect(q("$.store.book[0].author")).toEqual(["Nigel Rees"]);
    expect(q("$.store.book[-1].title")).toEqual(["The Lord of the Rings"]);
    expect(q("$.store.book[9]")).toEqual([]);
    expect(q("$.nothing.here")).toEqual([]);
  });

  test("wildcards, unions and slices", () => {
    expect(q("$.store.book[*].author")).toEqual([
      "Nigel Rees",
      "Evelyn Waugh",
      "Herman Melville",
      "J. R. R. Tolkien",
    ]);
    expect(q("$.store.bicycle.*")).toEqual(["red", 19.95]);
    expect(q("$.store.book[0,2].price")).toEqual([8.95, 8.99]);
    expect(q("$.store.book[:2].price")).toEqual([8.95, 12.99]);
    expect(q("$.store.book[-2:].price")).toEqual([8.99, 22.99]);
    expect(q("$.store.book[::2].price")).toEqual([8.95, 8.99]);
    expect(q("$.store.book[::-1].price")).toEqual([22.99, 8.99, 12.99, 8.95]);
    expect(q("$.store.bicycle['color','price']")).toEqual(["red", 19.95]);
  });

  test("descendants, in document order", () => {
    expect(q("$..author")).toHaveLength(4);
    expect(q("$..price")).toEqual([8.95, 12.99, 8.99, 22.99, 19.95]);
    expect(q("$..book[2].isbn")).toEqual(["0-553-21311-3"]);
    expect(q("$..[0].category")).toEqual(["reference"]);
  });

  test("filters", () => {
    expect(q("$.store.book[?(@.price < 10)].title")).toEqual(["Sayings of the Century", "Moby Dick"]);
    expect(q("$..book[?(@.isbn)].author")).toEqual(["Herman Melville"]);
    expect(q("$..book[?(@.category == 'fiction' && @.price > 20)].title")).toEqual(["The Lord of the Rings"]);
    expect(q('$..book[?(@.category != "fiction" || @.price >= 22.99)].price')).toEqual([8.95, 22.99]);
    expect(q("$..book[?(!@.isbn)]")).toHaveLength(3);
    expect(q("$.a[?(@ == null)]", { a: [1, null, 2] })).toEqual([null]);
    expect(
      q("$.a[?(@.b['c'] == true)].id", {
        a: [
          { id: 1, b: { c: true } },
          { id: 2, b: { c: false } },
        ],
      }),
    ).toEqual([1]);
    // Ordering compares numbers with numbers and strings with strings only.
    expect(q("$.a[?(@ > 1)]", { a: [1, "5", 3] })).toEqual([3]);
  });

  test("the shapes Snowplow configs use", () => {
    const context = {
      userId: "u1",
      record: [{ value: "v" }],
      nested: { email: "a@b.c", other: { email: "d@e.f" } },
    };
    expect(q("$.userId", context)).toEqual(["u1"]);
    expect(q("$.record[0].value", context)).toEqual(["v"]);
    expect(q("$..email", context)).toEqual(["a@b.c", "d@e.f"]);
    expect(q("$.user-name", { "user-name": "x" })).toEqual(["x"]);
  });
});

describe("compileJsonPath refusals", () => {
  for (const bad of [
    "",
    "store.book",
    "$.",
    "$[",
    "$[?(@.a =~ /x/)]",
    "$[(@.length-1)]",
    "$.a[1:2:0]",
    "$['a",
  ]) {
    test(JSON.stringify(bad), () => {
      const compiled = compileJsonPath(bad);
      expect(compiled.ok).toBe(false);
    });
  }
  test("the message names the position", () => {
    const compiled = compileJsonPath("$.a]");
    expect(compiled.ok ? "" : compiled.error).toContain("position 3");
  });
});

describe("mapJsonPath", () => {
  const upper = (v: unknown) => (typeof v === "string" ? v.toUpperCase() : v);

  test("replaces every match on a copy", () => {
    const input = { a: { email: "x" }, list: [{ email: "y" }, { email: 3 }] };
    const out = mapJsonPath(path("$..email"), input, upper);
    expect(out).toEqual({ a: { email: "X" }, list: [{ email: "Y" }, { email: 3 }] });
    expect(input.a.email).toBe("x");
  });

  test("a location matched twice is replaced once", () => {
    let calls = 0;
    mapJsonPath(path("$['a','a']"), { a: "x" }, (v) => {
      calls++;
      return v;
    });
    expect(calls).toBe(1);
  });

  test("no match leaves the document as it was", () => {
    expect(mapJsonPath(path("$.missing"), { a: 1 }, upper)).toEqual({ a: 1 });
  });

  test("the root itself", () => {
    expect(mapJsonPath(path("$"), "abc", upper)).toBe("ABC");
  });
});
