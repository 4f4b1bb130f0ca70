import { describe, expect, test } from "bun:test";
import { igluError } from "../badrows/failure-message.ts";
import { emptyEnrichedEvent } from "../event/enriched-event.ts";
import { resolutionError } from "../iglu/client-error.ts";
import { parseSchemaKey, type SchemaKey } from "../iglu/schema-key.ts";
import { ATOMIC_COLUMNS } from "./atomic-events.ts";
import { META_COLUMN_NAMES } from "./entity-table.ts";
import { entityColumns } from "./flat-schema.ts";
import {
  type EntityTarget,
  eventKey,
  firstOfEachKey,
  rowsByTable,
  type ShreddedEvent,
  shredEvent,
} from "./shred.ts";

const key = (uri: string): SchemaKey => {
  const parsed = parseSchemaKey(uri);
  if (!parsed.ok) throw new Error(uri);
  return parsed.value;
};

const CLICK = "iglu:com.acme/link_click/jsonschema/1-0-1";
const PAGE = "iglu:com.acme/page/jsonschema/1-0-0";
const MISSING = "iglu:com.acme/missing/jsonschema/1-0-0";

const click: EntityTarget = {
  key: key(CLICK),
  table: {
    name: "com_acme_link_click_1",
    columns: entityColumns(
      [
        {
          type: "object",
          properties: {
            targetUrl: { type: "string", maxLength: 20 },
            element: { type: "object", properties: { id: { type: "string" } } },
          },
          required: ["targetUrl"],
        },
      ],
      META_COLUMN_NAMES,
    ),
  },
};
const page: EntityTarget = {
  key: key(PAGE),
  table: {
    name: "com_acme_page_1",
    columns: entityColumns([{ type: "object", properties: { id: { type: "string", format: "uuid" } } }]),
  },
};
const missing = igluError(key(MISSING), resolutionError([]));
const lookup = (uri: string) => (uri === CLICK ? click : uri === PAGE ? page : missing);

const event = (fields: Record<string, unknown>) =>
  Object.assign(emptyEnrichedEvent(), {
    event_id: "C6EF3124-B53A-4B13-A233-0088F79DCBCB",
    collector_tstamp: Date.parse("2024-03-10T12:00:00.100Z"),
    v_collector: "c",
    v_etl: "e",
    ...fields,
  });

describe("shredEvent (transform.shredEvent)", () => {
  test("an events row, then entity rows in order: contexts, derived contexts, unstructured event", () => {
    const shredded = shredEvent(
      event({
        contexts: [{ schema: PAGE, data: { id: "a86c42e5-b831-45c8-b706-e214c26b4b3d" } }],
        derived_contexts: [{ schema: PAGE, data: {} }],
        unstruct_event: { schema: CLICK, data: { targetUrl: "https://a.b/", element: { id: "buy" } } },
      }),
      lookup,
    );
    if (!("key" in shredded)) throw new Error(JSON.stringify(shredded));
    expect(shredded.key).toBe("c6ef3124-b53a-4b13-a233-0088f79dcbcb 2024-03-10 12:00:00.100");
    expect(shredded.atomic).toHaveLength(ATOMIC_COLUMNS.length);
    expect(shredded.entities.map((e) => [e.table.name, e.cells])).toEqual([
      [
        "com_acme_page_1",
        [
          "com.acme",
          "page",
          "jsonschema",
          "1-0-0",
          "C6EF3124-B53A-4B13-A233-0088F79DCBCB",
          "2024-03-10 12:00:00.100",
          "a86c42e5-b831-45c8-b706-e214c26b4b3d",
        ],
      ],
      [
        "com_acme_page_1",
        [
          "com.acme",
          "page",
          "jsonschema",
          "1-0-0",
          "C6EF3124-B53A-4B13-A233-0088F79DCBCB",
          "2024-03-10 12:00:00.100",
          null,
        ],
      ],
      [
        "com_acme_link_click_1",
        [
          "com.acme",
          "link_click",
          "jsonschema",
          "1-0-1",
          "C6EF3124-B53A-4B13-A233-0088F79DCBCB",
          "2024-03-10 12:00:00.100",
          "https://a.b/",
          "buy",
        ],
      ],
    ]);
  });

  test("collects every failure: values of the wrong type, missing required values, unknown tables", () => {
    const failures = shredEvent(
      event({
        app_id: "x".repeat(300),
        contexts: [
          { schema: PAGE, data: { id: "not-a-uuid" } },
          { schema: MISSING, data: {} },
        ],
        unstruct_event: { schema: CLICK, data: { element: { id: 7 } } },
      }),
      lookup,
    );
    expect("key" in failures).toBe(false);
    if ("key" in failures) return;
    expect(failures.map((f) => f.kind)).toEqual(["WrongType", "WrongType", "IgluError", "MissingInValue"]);
    expect(failures[1]).toMatchObject({ kind: "WrongType", value: "not-a-uuid", expected: "UUID" });
    expect(failures[3]).toMatchObject({ kind: "MissingInValue", key: "target_url" });
  });

  test("a non-object entity fills nothing", () => {
    const shredded = shredEvent(event({ contexts: [{ schema: PAGE, data: [1, 2] }] }), lookup);
    if (!("key" in shredded)) throw new Error("expected rows");
    expect(shredded.entities[0]?.cells.at(-1)).toBeNull();
  });
});

describe("batch helpers", () => {
  test("eventKey lower-cases the id", () => {
    expect(eventKey("ABC", "2024-01-01 00:00:00.000")).toBe("abc 2024-01-01 00:00:00.000");
  });

  test("firstOfEachKey keeps the first of each key, in order", () => {
    const items = [{ key: "a" }, { key: "b" }, { key: "a" }, { key: "c" }, { key: "b" }];
    const { unique, repeated } = firstOfEachKey(items);
    expect(unique).toEqual([items[0]!, items[1]!, items[3]!]);
    expect(repeated).toBe(2);
  });

  test("rowsByTable groups entity rows by the table they were built for", () => {
    const one = shredEvent(event({ contexts: [{ schema: PAGE, data: {} }] }), lookup) as ShreddedEvent;
    const two = shredEvent(
      event({
        event_id: "d6ef3124-b53a-4b13-a233-0088f79dcbcb",
        unstruct_event: { schema: CLICK, data: { targetUrl: "u" } },
      }),
      lookup,
    ) as ShreddedEvent;
    const rows = rowsByTable([one, two]);
    expect(rows.events).toHaveLength(2);
    expect([...rows.entities].map(([table, cells]) => [table.name, cells.length])).toEqual([
      ["com_acme_page_1", 1],
      ["com_acme_link_click_1", 1],
    ]);
  });
});
