/** @module Tests of atomic-field limits and the violation they make. */
import { describe, expect, test } from "bun:test";
import { emptyEnrichedEvent } from "../event/enriched-event.ts";
import {
  atomicFieldLimits,
  atomicViolation,
  checkFieldLengths,
  DEFAULT_ATOMIC_FIELD_LIMITS,
  LIMITED_FIELDS,
  parseError,
} from "./atomic-fields.ts";

describe("atomic fields", () => {
  test("every default limit names a checked field", () => {
    for (const field of Object.keys(DEFAULT_ATOMIC_FIELD_LIMITS))
      expect(LIMITED_FIELDS as readonly string[]).toContain(field);
    expect(atomicFieldLimits().length).toBe(Object.keys(DEFAULT_ATOMIC_FIELD_LIMITS).length);
  });

  test("length counts UTF-16 units, as Java's String.length", () => {
    const event = emptyEnrichedEvent();
    event.geo_country = "🇬";
    expect(checkFieldLengths(event, atomicFieldLimits(), false)).toHaveLength(0);
    event.geo_country = "🇬🇧";
    expect(checkFieldLengths(event, atomicFieldLimits(), false)[0]).toMatchObject({
      field: "geo_country",
      keyword: "atomic_field_length_exceeded",
    });
  });

  test("nulls over-long fields when asked, except event_id, v_collector and v_etl", () => {
    const event = emptyEnrichedEvent();
    event.event_id = "x".repeat(40);
    event.v_etl = "y".repeat(101);
    event.user_id = "z".repeat(256);
    const errors = checkFieldLengths(event, atomicFieldLimits(), true);
    expect(errors.map((e) => e.field)).toEqual(["event_id", "v_etl", "user_id"]);
    expect(event.event_id).toHaveLength(40);
    expect(event.v_etl).toHaveLength(101);
    expect(event.user_id).toBeNull();
  });

  test("overrides apply over the defaults", () => {
    const event = emptyEnrichedEvent();
    event.app_id = "a".repeat(10);
    expect(checkFieldLengths(event, atomicFieldLimits({ app_id: 5 }), false)[0]!.message).toBe(
      "Field is longer than maximum allowed size 5",
    );
  });

  test("errors make one Iglu ValidationError against atomic 1-0-0, values kept out of reports", () => {
    const { violation, data } = atomicViolation([parseError("Not a valid UUID", "eid", "secret-value")]);
    expect(JSON.stringify(violation)).not.toContain("secret-value");
    expect(data).toEqual({ eid: "secret-value" });
    expect(violation.kind === "IgluError" && violation.schemaKey.name).toBe("atomic");
  });
});
