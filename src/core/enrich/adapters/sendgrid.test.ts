/** @module Tests of the SendGrid webhook adapter. */
import { describe, expect, test } from "bun:test";
import { sendgridAdapter } from "./sendgrid.ts";
import { webhookEvents, webhookFailures } from "./webhook-test.test-support.ts";

const events = [
  {
    email: "a@example.com",
    timestamp: 1446549615,
    "smtp-id": "<x@y>",
    event: "processed",
    category: "cat",
    sg_event_id: "id1",
    sg_message_id: "m1",
  },
  {
    email: "a@example.com",
    timestamp: 1446549615,
    event: "open",
    useragent: "Mozilla",
    ip: "255.255.255.255",
    sg_event_id: "id2",
  },
  {
    email: "a@example.com",
    timestamp: "1446549615",
    event: "processed",
    sg_event_id: "id1",
    sg_message_id: "m1-again",
  },
];

describe("sendgridAdapter", () => {
  test("one event per element, de-duplicated by sg_event_id, timestamps as date-times", () => {
    const out = webhookEvents(sendgridAdapter, JSON.stringify(events), "application/json; charset=utf-8", {
      nuid: "n",
    });
    expect(out).toHaveLength(2);
    expect(out[0]).toEqual({
      tv: "com.sendgrid-v3",
      e: "ue",
      p: "srv",
      nuid: "n",
      ue_pr: {
        schema: "iglu:com.sendgrid/processed/jsonschema/3-0-0",
        data: {
          email: "a@example.com",
          timestamp: "2015-11-03T11:20:15.000Z",
          sg_event_id: "id1",
          sg_message_id: "m1-again",
        },
      },
    });
    expect((out[1]!["ue_pr"] as { schema: string }).schema).toBe("iglu:com.sendgrid/open/jsonschema/3-0-0");
  });

  test("keeps every event that has no sg_event_id", () => {
    const body = JSON.stringify([{ event: "open" }, { event: "click" }]);
    expect(webhookEvents(sendgridAdapter, body, "application/json")).toHaveLength(2);
  });

  test("any unknown type fails the payload, named by index", () => {
    const body = JSON.stringify([{ event: "open" }, { event: "weird" }, {}]);
    expect(webhookFailures(sendgridAdapter, body, "application/json")).toMatchObject([
      {
        kind: "SchemaMapping",
        actual: "weird",
        expectation: "no schema associated with the provided type parameter at index 1",
      },
      {
        kind: "SchemaMapping",
        actual: null,
        expectation: "cannot determine event type: type parameter not provided at index 2",
      },
    ]);
  });

  test("reports Enrich's other failures", () => {
    expect(webhookFailures(sendgridAdapter, null, "application/json")[0]).toMatchObject({
      expectation: "empty body: no events to process",
    });
    expect(webhookFailures(sendgridAdapter, "[]", "text/plain")[0]).toMatchObject({
      expectation: "expected application/json",
    });
    expect(webhookFailures(sendgridAdapter, "{}", "application/json")[0]).toMatchObject({
      expectation: "body is not a json array",
    });
    expect(webhookFailures(sendgridAdapter, "[]", "application/json")).toEqual([
      { kind: "InputData", field: "", value: null, expectation: "empty list of events" },
    ]);
    expect(webhookFailures(sendgridAdapter, "[", "application/json")[0]).toMatchObject({
      kind: "NotJson",
      field: "body",
    });
  });
});
