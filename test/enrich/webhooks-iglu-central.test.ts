/**
 * @module
 * Each vendor webhook, end to end, against the real schemas: a realistic request (shaped like the
 * vendor's documented payload) must come out as a good event, its data valid against the Iglu
 * Central schema the adapter maps it to. Needs `../shared/iglu-central`; skipped without it.
 */
import { describe, expect, test } from "bun:test";
import { badRowJson } from "../../src/core/badrows/bad-row.ts";
import { EnrichPipeline } from "../../src/core/enrich/pipeline.ts";
import {
  ETL_TSTAMP,
  queryString,
  TEST_PROCESSOR,
  webhook,
} from "../../src/core/enrich/test-records.test-support.ts";
import { testResolver } from "../support/enrich-test-resolver.ts";
import { sharedDir, sharedMissing } from "../support/shared.ts";

const FORM = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";

const requests: { name: string; record: () => Uint8Array; schemas: string[] }[] = [
  {
    name: "Mailgun delivered",
    record: () =>
      webhook(
        "com.mailgun/v1",
        JSON.stringify({
          signature: {
            token: "c2a3c8e3d6f1b2a4c5d6e7f8091a2b3c4d5e6f708192a3b4c5",
            timestamp: "1657907833",
            signature: "96a7d8c2e4f1b2a4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4",
          },
          "event-data": {
            id: "CPgfbmQMTCKtHW6uIWtuVe",
            timestamp: 1521472262.908181,
            "log-level": "info",
            event: "delivered",
            "delivery-status": {
              tls: true,
              "mx-host": "smtp-in.example.com",
              code: 250,
              description: "",
              "attempt-no": 1,
              message: "OK",
            },
            flags: { "is-routed": false, "is-authenticated": true, "is-test-mode": false },
            envelope: {
              transport: "smtp",
              sender: "bob@mail.example.com",
              "sending-ip": "209.61.154.250",
              targets: "alice@example.com",
            },
            message: {
              headers: {
                to: "Alice <alice@example.com>",
                "message-id": "20130503182626.18666.16540@mail.example.com",
                from: "Bob <bob@mail.example.com>",
                subject: "Your order",
              },
              attachments: [],
              size: 111,
            },
            recipient: "alice@example.com",
            "recipient-domain": "example.com",
            tags: ["order"],
            "user-variables": { order_id: "1001" },
          },
        }),
        JSON_TYPE,
      ),
    schemas: ["iglu:com.mailgun/message_delivered/jsonschema/1-0-0"],
  },
  {
    name: "SendGrid processed and open",
    record: () =>
      webhook(
        "com.sendgrid/v3",
        JSON.stringify([
          {
            email: "alice@example.com",
            timestamp: 1446549615,
            "smtp-id": "<14c5d75ce93.dfd.64b469@ismtpd-555>",
            event: "processed",
            category: "cat facts",
            sg_event_id: "sZROwMGMagFgnOEmSdvhig==",
            sg_message_id: "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
          },
          {
            email: "alice@example.com",
            timestamp: 1446549616,
            event: "open",
            category: "cat facts",
            sg_event_id: "FOTFFO0ecsBE-zxFXfs6WA==",
            sg_message_id: "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
            useragent: "Mozilla/4.0",
            ip: "255.255.255.255",
          },
        ]),
        JSON_TYPE,
      ),
    schemas: ["iglu:com.sendgrid/processed/jsonschema/3-0-0", "iglu:com.sendgrid/open/jsonschema/3-0-0"],
  },
  {
    name: "PagerDuty trigger",
    record: () =>
      webhook(
        "com.pagerduty/v1",
        JSON.stringify({
          messages: [
            {
              type: "incident.trigger",
              data: {
                incident: {
                  id: "P9WY9U9",
                  incident_number: 139,
                  created_on: "2014-11-12T18:53:47 00:00",
                  status: "triggered",
                  html_url: "https://acme.pagerduty.com/incidents/P9WY9U9",
                  incident_key: null,
                  service: {
                    id: "PTHO4FF",
                    name: "Webhooks Test",
                    html_url: "https://acme.pagerduty.com/services/PTHO4FF",
                    deleted_at: null,
                  },
                  escalation_policy: { id: "P8ETVHU", name: "Default", deleted_at: null },
                  assigned_to_user: null,
                  trigger_summary_data: { subject: "Disk full" },
                  trigger_details_html_url:
                    "https://acme.pagerduty.com/incidents/P9WY9U9/log_entries/P5AWPTR",
                  trigger_type: "trigger_svc_event",
                  last_status_change_on: "2014-11-12T18:53:47 00:00",
                  last_status_change_by: null,
                  number_of_escalations: 0,
                  assigned_to: [],
                },
              },
              id: "3c3e8ee0-6a9d-11e4-b3d5-22000ae31361",
              created_on: "2014-11-12T18:53:47 00:00",
            },
          ],
        }),
        JSON_TYPE,
      ),
    schemas: ["iglu:com.pagerduty/incident/jsonschema/1-0-0"],
  },
  {
    name: "Pingdom assign",
    record: () =>
      webhook("com.pingdom/v1", undefined, undefined, {
        querystring: queryString({
          message: JSON.stringify({
            check: "1421338",
            checkname: "Webhooks_Test",
            host: "7eef51c2.ngrok.com",
            action: "assign",
            incidentid: 3,
            description: "down",
          }),
        }),
      }),
    schemas: ["iglu:com.pingdom/incident_assign/jsonschema/1-0-0"],
  },
  {
    name: "StatusGator status change",
    record: () =>
      webhook(
        "com.statusgator/v1",
        "service_name=CloudFlare&favicon_url=https%3A%2F%2Fdwxjd9cd6rwno.cloudfront.net%2Ffavicons%2Fcloudflare.ico&status_page_url=https%3A%2F%2Fwww.cloudflarestatus.com%2F&home_page_url=http%3A%2F%2Fwww.cloudflare.com&current_status=up&last_status=warn&occurred_at=2016-05-19T09%3A26%3A31%2B00%3A00",
        FORM,
      ),
    schemas: ["iglu:com.statusgator/status_change/jsonschema/1-0-0"],
  },
  {
    name: "Mailchimp subscribe",
    record: () =>
      webhook(
        "com.mailchimp/v1",
        "type=subscribe&fired_at=2014-11-04+09%3A42%3A31&data%5Bid%5D=e7c77d3852&data%5Bemail%5D=agent%40example.com&data%5Bemail_type%5D=html&data%5Bip_opt%5D=82.225.169.220&data%5Bweb_id%5D=210833825&data%5Bmerges%5D%5BEMAIL%5D=agent%40example.com&data%5Bmerges%5D%5BFNAME%5D=Agent&data%5Bmerges%5D%5BLNAME%5D=Smith&data%5Blist_id%5D=f1243a3b12",
        FORM,
      ),
    schemas: ["iglu:com.mailchimp/subscribe/jsonschema/1-0-0"],
  },
];

describe("vendor webhooks against Iglu Central's schemas", () => {
  const pipeline = sharedDir
    ? new EnrichPipeline({
        resolver: testResolver({ igluCentralDir: `${sharedDir}/iglu-central` }),
        processor: TEST_PROCESSOR,
      })
    : null;
  for (const r of requests) {
    const title = `${r.name} is a good event, valid against its schema`;
    test.skipIf(!sharedDir)(sharedDir ? title : sharedMissing(title), async () => {
      const out = await pipeline!.enrichRecord(r.record(), ETL_TSTAMP);
      expect(out.bad.map((b) => badRowJson(b).data["failure"])).toEqual([]);
      expect(out.good.map((e) => e.unstruct_event?.schema)).toEqual(r.schemas);
      for (const e of out.good) {
        expect(e.event).toBe("unstruct");
        expect(e.platform).toMatch(/^(srv|app)$/);
        expect(e.v_tracker).toMatch(/^com\.[a-z]+-v\d$/);
      }
    });
  }
});
