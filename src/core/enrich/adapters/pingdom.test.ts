/** @module Tests of the Pingdom webhook adapter. */
import { describe, expect, test } from "bun:test";
import { pingdomAdapter } from "./pingdom.ts";
import { webhookEvents, webhookFailures } from "./webhook-test.test-support.ts";

const message = JSON.stringify({
  check: "1421338",
  checkname: "Webhooks_Test",
  host: "a.example.com",
  action: "assign",
  incidentid: 3,
  description: "down",
});

describe("pingdomAdapter", () => {
  test("the message is the incident, its action picking the schema", () => {
    expect(webhookEvents(pingdomAdapter, null, null, { p: "apps", message })).toEqual([
      {
        tv: "com.pingdom-v1",
        e: "ue",
        p: "apps",
        ue_pr: {
          schema: "iglu:com.pingdom/incident_assign/jsonschema/1-0-0",
          data: {
            check: "1421338",
            checkname: "Webhooks_Test",
            host: "a.example.com",
            incidentid: 3,
            description: "down",
          },
        },
      },
    ]);
  });

  test("reports Enrich's failures", () => {
    expect(webhookFailures(pingdomAdapter, null, null)).toEqual([
      {
        kind: "InputData",
        field: "querystring",
        value: null,
        expectation: "empty querystring: no events to process",
      },
    ]);
    expect(webhookFailures(pingdomAdapter, null, null, { p: "(u'app',)" })).toEqual([
      { kind: "InputData", field: "p", value: "app", expectation: "should not pass regex \\(u'([^']+)',\\)" },
    ]);
    expect(webhookFailures(pingdomAdapter, null, null, { p: "apps" })).toEqual([
      {
        kind: "InputData",
        field: "querystring",
        value: "p=apps",
        expectation: "no `message` parameter provided",
      },
    ]);
    expect(webhookFailures(pingdomAdapter, null, null, { message: "{" })[0]).toMatchObject({
      kind: "NotJson",
      field: "message",
    });
    expect(webhookFailures(pingdomAdapter, null, null, { message: '{"action":"x"}' })[0]).toMatchObject({
      kind: "SchemaMapping",
      actual: "x",
    });
  });
});
