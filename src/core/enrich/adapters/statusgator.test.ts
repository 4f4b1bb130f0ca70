/** @module Tests of the StatusGator webhook adapter. */
import { describe, expect, test } from "bun:test";
import { statusgatorAdapter } from "./statusgator.ts";
import { webhookEvents, webhookFailures } from "./webhook-test.test-support.ts";

const FORM = "application/x-www-form-urlencoded";
const body =
  "service_name=CloudFlare&favicon_url=https%3A%2F%2Fdwxjd9cd6rwno.cloudfront.net%2Ffavicons%2Fcloudflare.ico&status_page_url=https%3A%2F%2Fwww.cloudflarestatus.com%2F&home_page_url=http%3A%2F%2Fwww.cloudflare.com&current_status=up&last_status=warn&occurred_at=2016-05-19T09%3A26%3A31%2B00%3A00";

describe("statusgatorAdapter", () => {
  test("one status change, keys camel-cased", () => {
    expect(webhookEvents(statusgatorAdapter, body, FORM)).toEqual([
      {
        tv: "com.statusgator-v1",
        e: "ue",
        p: "srv",
        ue_pr: {
          schema: "iglu:com.statusgator/status_change/jsonschema/1-0-0",
          data: {
            serviceName: "CloudFlare",
            faviconUrl: "https://dwxjd9cd6rwno.cloudfront.net/favicons/cloudflare.ico",
            statusPageUrl: "https://www.cloudflarestatus.com/",
            homePageUrl: "http://www.cloudflare.com",
            currentStatus: "up",
            lastStatus: "warn",
            occurredAt: "2016-05-19T09:26:31+00:00",
          },
        },
      },
    ]);
  });

  test("reports Enrich's failures", () => {
    expect(webhookFailures(statusgatorAdapter, "", FORM)).toEqual([
      { kind: "InputData", field: "body", value: null, expectation: "empty body: no events to process" },
    ]);
    expect(webhookFailures(statusgatorAdapter, body, null)[0]).toMatchObject({
      expectation: "no content type: expected application/x-www-form-urlencoded",
    });
    expect(webhookFailures(statusgatorAdapter, body, "application/json")[0]).toMatchObject({
      value: "application/json",
      expectation: "expected application/x-www-form-urlencoded",
    });
    expect(webhookFailures(statusgatorAdapter, "a=b c", FORM)[0]).toMatchObject({
      field: "body",
      expectation: "could not parse body: Illegal character in query at index 21: http://localhost/?a=b c",
    });
  });
});
