/** @module Tests of derived_tstamp and the schema fields. */
import { describe, expect, test } from "bun:test";
import { emptyEnrichedEvent } from "../event/enriched-event.ts";
import { setDerivedTimestamp, setSchemaFields } from "./derived-fields.ts";

describe("setDerivedTimestamp", () => {
  const event = (
    fields: Partial<
      Record<"true_tstamp" | "dvce_created_tstamp" | "dvce_sent_tstamp" | "collector_tstamp", number>
    >,
  ) => {
    const e = emptyEnrichedEvent();
    Object.assign(e, fields);
    return e;
  };

  test("true time first, else collector time less a positive sending delay, else collector time", () => {
    const cases: [Parameters<typeof event>[0], number | null][] = [
      [{ true_tstamp: 5, collector_tstamp: 1000 }, 5],
      [{ dvce_created_tstamp: 100, dvce_sent_tstamp: 160, collector_tstamp: 1000 }, 940],
      [{ dvce_created_tstamp: 160, dvce_sent_tstamp: 100, collector_tstamp: 1000 }, 1000],
      [{ dvce_created_tstamp: 100, collector_tstamp: 1000 }, 1000],
      [{}, null],
    ];
    for (const [fields, expected] of cases) {
      const e = event(fields);
      expect(setDerivedTimestamp(e).ok).toBe(true);
      expect(e.derived_tstamp).toBe(expected);
    }
  });

  test("a result outside years 0–9999 is an enrichment failure", () => {
    const e = event({
      dvce_created_tstamp: 0,
      dvce_sent_tstamp: 253402300799999,
      collector_tstamp: 1718000000000,
    });
    const r = setDerivedTimestamp(e);
    expect(!r.ok && r.error.message).toMatchObject({ kind: "Simple" });
    expect(e.derived_tstamp).toBeNull();
  });
});

describe("setSchemaFields", () => {
  test("an unstructured event takes its own schema; one without a valid event is left alone", () => {
    const e = emptyEnrichedEvent();
    e.event = "unstruct";
    expect(setSchemaFields(e).ok).toBe(true);
    expect(e.event_vendor).toBeNull();
    e.unstruct_event = { schema: "iglu:com.acme/signup/jsonschema/2-1-0", data: {} };
    setSchemaFields(e);
    expect(e).toMatchObject({
      event_vendor: "com.acme",
      event_name: "signup",
      event_format: "jsonschema",
      event_version: "2-1-0",
    });
  });
});
