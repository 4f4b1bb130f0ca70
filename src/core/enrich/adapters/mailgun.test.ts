/** @module Tests of the Mailgun webhook adapter. */
import { describe, expect, test } from "bun:test";
import { mailgunAdapter } from "./mailgun.ts";
import { webhookEvents, webhookFailures } from "./webhook-test.test-support.ts";

const delivered = {
  signature: { token: "tok123", timestamp: "1657907833", signature: "sig456" },
  "event-data": {
    id: "CPgfbmQ",
    timestamp: 1521472262.908181,
    "log-level": "info",
    event: "delivered",
    "delivery-status": { "mx-host": "smtp-in.example.com", code: 250, "attempt-no": 1 },
    "body-plain": "hello",
    "attachment-count": 2,
    recipient: "alice@example.com",
    "user-variables": { my_var_1: "one" },
  },
};

describe("mailgunAdapter", () => {
  test("maps a delivered event: signature merged in, keys camel-cased, timestamp a date-time", () => {
    const [event] = webhookEvents(mailgunAdapter, JSON.stringify(delivered), "application/json", {
      aid: "mail",
    });
    expect(event).toEqual({
      tv: "com.mailgun-v1",
      e: "ue",
      p: "srv",
      aid: "mail",
      ue_pr: {
        schema: "iglu:com.mailgun/message_delivered/jsonschema/1-0-0",
        data: {
          token: "tok123",
          timestamp: "2022-07-15T17:57:13.000Z",
          signature: "sig456",
          id: "CPgfbmQ",
          logLevel: "info",
          deliveryStatus: { mxHost: "smtp-in.example.com", code: 250, attemptNo: 1 },
          recipient: "alice@example.com",
          userVariables: { myVar1: "one" },
          attachmentCount: 2,
        },
      },
    });
  });

  test("maps every event type to its schema", () => {
    const types = {
      bounced: "message_bounced",
      clicked: "message_clicked",
      complained: "message_complained",
      dropped: "message_dropped",
      opened: "message_opened",
      unsubscribed: "recipient_unsubscribed",
    };
    for (const [type, name] of Object.entries(types)) {
      const body = JSON.stringify({
        ...delivered,
        "event-data": { ...delivered["event-data"], event: type },
      });
      const [event] = webhookEvents(mailgunAdapter, body, "application/json");
      expect((event!["ue_pr"] as { schema: string }).schema).toBe(
        `iglu:com.mailgun/${name}/jsonschema/1-0-0`,
      );
    }
  });

  test("reports Enrich's failures", () => {
    expect(webhookFailures(mailgunAdapter, null, "application/json")).toEqual([
      { kind: "InputData", field: "body", value: null, expectation: "empty body: no events to process" },
    ]);
    expect(webhookFailures(mailgunAdapter, "{}", null)).toEqual([
      {
        kind: "InputData",
        field: "contentType",
        value: null,
        expectation: "no content type: expected application/json",
      },
    ]);
    expect(webhookFailures(mailgunAdapter, "{}", "text/plain")).toEqual([
      {
        kind: "InputData",
        field: "contentType",
        value: "text/plain",
        expectation: "expected application/json",
      },
    ]);
    expect(webhookFailures(mailgunAdapter, "{x", "application/json")[0]).toMatchObject({
      field: "body",
      expectation: expect.stringMatching(/^could not parse body: invalid json: /),
    });
    expect(webhookFailures(mailgunAdapter, '{"event-data":{}}', "application/json")).toEqual([
      {
        kind: "InputData",
        field: "body",
        value: '{"event-data":{}}',
        expectation: "no `event` parameter provided: cannot determine event type",
      },
    ]);
    const unknown = JSON.stringify({
      ...delivered,
      "event-data": { ...delivered["event-data"], event: "stored" },
    });
    expect(webhookFailures(mailgunAdapter, unknown, "application/json")[0]).toMatchObject({
      kind: "SchemaMapping",
      actual: "stored",
      expectation: "no schema associated with the provided type parameter",
    });
    const unsigned = JSON.stringify({ ...delivered, signature: { timestamp: "1" } });
    expect(webhookFailures(mailgunAdapter, unsigned, "application/json")).toEqual([
      { kind: "InputData", field: "token", value: null, expectation: "missing 'token'" },
    ]);
  });
});
