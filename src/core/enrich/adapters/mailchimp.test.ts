/** @module Tests of the Mailchimp webhook adapter. */
import { describe, expect, test } from "bun:test";
import { formKeys, mailchimpAdapter, mailchimpDateTime } from "./mailchimp.ts";
import { webhookEvents, webhookFailures } from "./webhook-test.test-support.ts";

const FORM = "application/x-www-form-urlencoded";

describe("mailchimpAdapter", () => {
  test("nests PHP-style keys and fixes fired_at", () => {
    const body =
      "type=subscribe&fired_at=2014-11-04+09%3A42%3A31&data%5Bid%5D=e7c77d3852&data%5Bemail%5D=agent%40snowplowanalytics.com&data%5Bmerges%5D%5BFNAME%5D=Agent&data%5Bmerges%5D%5BLNAME%5D=Smith";
    expect(webhookEvents(mailchimpAdapter, body, FORM, { aid: "crm" })).toEqual([
      {
        tv: "com.mailchimp-v1",
        e: "ue",
        p: "srv",
        aid: "crm",
        ue_pr: {
          schema: "iglu:com.mailchimp/subscribe/jsonschema/1-0-0",
          data: {
            type: "subscribe",
            fired_at: "2014-11-04T09:42:31.000Z",
            data: {
              id: "e7c77d3852",
              email: "agent@snowplowanalytics.com",
              merges: { FNAME: "Agent", LNAME: "Smith" },
            },
          },
        },
      },
    ]);
  });

  test("maps each type to its schema", () => {
    const types = {
      unsubscribe: "unsubscribe",
      campaign: "campaign_sending_status",
      cleaned: "cleaned_email",
      upemail: "email_address_change",
      profile: "profile_update",
    };
    for (const [type, name] of Object.entries(types)) {
      const [event] = webhookEvents(mailchimpAdapter, `type=${type}`, FORM);
      expect((event!["ue_pr"] as { schema: string }).schema).toBe(
        `iglu:com.mailchimp/${name}/jsonschema/1-0-0`,
      );
    }
  });

  test("helpers split keys and dates as Enrich does", () => {
    expect(formKeys("data[merges][EMAIL]")).toEqual(["data", "merges", "EMAIL"]);
    expect(formKeys("plain")).toEqual(["plain"]);
    expect(mailchimpDateTime("2014-11-04 09:42:31")).toBe("2014-11-04T09:42:31.000Z");
    expect(mailchimpDateTime("yesterday")).toBe("yesterday");
    expect(mailchimpDateTime("2014-02-30 09:42:31")).toBe("2014-02-30 09:42:31");
  });

  test("reports Enrich's failures", () => {
    expect(webhookFailures(mailchimpAdapter, "a=1", FORM)).toEqual([
      {
        kind: "InputData",
        field: "body",
        value: "a=1",
        expectation: "no `type` parameter provided: cannot determine event type",
      },
    ]);
    expect(webhookFailures(mailchimpAdapter, "type=nope", FORM)[0]).toMatchObject({
      kind: "SchemaMapping",
      actual: "nope",
    });
    expect(webhookFailures(mailchimpAdapter, "type=subscribe", "application/json")[0]).toMatchObject({
      expectation: "expected application/x-www-form-urlencoded",
    });
    expect(webhookFailures(mailchimpAdapter, null, FORM)[0]).toMatchObject({
      expectation: "empty body: no events to process",
    });
  });
});
