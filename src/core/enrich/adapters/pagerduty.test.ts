/** @module Tests of the PagerDuty webhook adapter. */
import { describe, expect, test } from "bun:test";
import { pagerdutyAdapter } from "./pagerduty.ts";
import { webhookEvents, webhookFailures } from "./webhook-test.test-support.ts";

const message = (type: string) => ({
  type,
  data: {
    incident: {
      id: "P9WY9U9",
      created_on: "2014-11-12T18:53:47 00:00",
      last_status_change_on: "2014-11-12T18:53:47Z",
      status: "triggered",
      resolved_by_user: "null",
      assigned_to: [{ at: "2014-11-12T18:53:47 00:00" }],
    },
  },
  id: "3c3e8ee0",
  created_on: "2014-11-12T18:53:47 00:00",
});

describe("pagerdutyAdapter", () => {
  test("one incident event per message, cleaned as Enrich cleans it", () => {
    const body = JSON.stringify({ messages: [message("incident.trigger"), message("incident.resolve")] });
    const out = webhookEvents(pagerdutyAdapter, body, "application/json");
    expect(out).toHaveLength(2);
    expect(out[0]).toEqual({
      tv: "com.pagerduty-v1",
      e: "ue",
      p: "srv",
      ue_pr: {
        schema: "iglu:com.pagerduty/incident/jsonschema/1-0-0",
        data: {
          type: "trigger",
          data: {
            incident: {
              id: "P9WY9U9",
              created_on: "2014-11-12T18:53:47+00:00",
              last_status_change_on: "2014-11-12T18:53:47Z",
              status: "triggered",
              resolved_by_user: null,
              assigned_to: [{ at: "2014-11-12T18:53:47 00:00" }],
            },
          },
          id: "3c3e8ee0",
          created_on: "2014-11-12T18:53:47+00:00",
        },
      },
    });
  });

  test("reports Enrich's failures", () => {
    expect(webhookFailures(pagerdutyAdapter, "{}", "application/json")).toEqual([
      { kind: "InputData", field: "messages", value: "{}", expectation: "field `messages` is not an array" },
    ]);
    const body = JSON.stringify({ messages: [message("incident.trigger"), message("incident.unknown")] });
    expect(webhookFailures(pagerdutyAdapter, body, "application/json")).toMatchObject([
      {
        kind: "SchemaMapping",
        actual: "incident.unknown",
        expectation: "no schema associated with the provided type parameter at index 1",
      },
    ]);
    expect(webhookFailures(pagerdutyAdapter, "{}", "application/json; charset=utf-8")[0]).toMatchObject({
      field: "contentType",
      expectation: "expected application/json",
    });
    expect(webhookFailures(pagerdutyAdapter, null, "application/json")[0]).toMatchObject({ field: "body" });
  });
});
