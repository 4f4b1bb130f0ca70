/**
 * @module
 * Set-B enrichments against Iglu Central (../shared/iglu-central): every context they emit
 * validates against its schema, and every config shape they accept in their tests validates
 * against the enrichment's config schema. Skips when ../shared is absent.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { EnrichmentFactory } from "../../src/core/enrich/enrichment.ts";
import { apiRequestEnrichment } from "../../src/core/enrich/enrichments/api-request.ts";
import { asnLookupsEnrichment } from "../../src/core/enrich/enrichments/asn-lookups.ts";
import { botDetectionEnrichment } from "../../src/core/enrich/enrichments/bot-detection.ts";
import { crossNavigationEnrichment } from "../../src/core/enrich/enrichments/cross-navigation.ts";
import { currencyConversionEnrichment } from "../../src/core/enrich/enrichments/currency-conversion.ts";
import {
  enrichmentInput,
  testDeps,
} from "../../src/core/enrich/enrichments/enrichment-input.test-support.ts";
import { javascriptScriptEnrichment } from "../../src/core/enrich/enrichments/javascript-script.ts";
import { piiEnrichment } from "../../src/core/enrich/enrichments/pii-pseudonymizer.ts";
import { sqlQueryEnrichment } from "../../src/core/enrich/enrichments/sql-query.ts";
import type { SelfDescribingJson } from "../../src/core/event/enriched-event.ts";
import { parseSchemaKey } from "../../src/core/iglu/schema-key.ts";
import { SchemaValidator } from "../../src/core/iglu/schema-validator.ts";
import { sharedDir, sharedMissing } from "../support/shared.ts";

const validator = new SchemaValidator();

/** Problems validating `sdj` against its Iglu Central schema (empty when valid). */
function problems(sdj: { schema: string; data: unknown }): string[] {
  const key = parseSchemaKey(sdj.schema);
  if (!key.ok) return [`bad schema URI ${sdj.schema}`];
  const path = `${sharedDir}/iglu-central/schemas/${sdj.schema.slice("iglu:".length)}`;
  const schema = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  const result = validator.validate(key.value, schema, sdj.data);
  if (result.ok) return [];
  return "dataReports" in result.error
    ? result.error.dataReports.map((r) => r.message)
    : [JSON.stringify(result.error)];
}

async function emitted(
  factory: EnrichmentFactory,
  config: SelfDescribingJson,
  input: ReturnType<typeof enrichmentInput>,
) {
  const parsed = factory.parse(config);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const built = await factory.create(parsed.value, testDeps());
  if (!built.ok) throw new Error(built.error.message);
  const outcome = await built.value.enrich(input);
  if (outcome.kind !== "enriched") throw new Error(JSON.stringify(outcome));
  return outcome.contexts;
}

const enrichments = "com.snowplowanalytics.snowplow.enrichments";
const sdj = (schema: string, data: unknown): SelfDescribingJson => ({ schema, data });

const title = "emitted contexts validate against Iglu Central";
describe.if(sharedDir !== null)(sharedDir ? title : sharedMissing(title), () => {
  test("cross_navigation/1-0-0, with every part and with the optional parts null", async () => {
    const config = sdj(`iglu:${enrichments}/cross_navigation_config/jsonschema/1-0-0`, {
      vendor: enrichments,
      name: "cross_navigation_config",
      enabled: true,
    });
    const full =
      "abc.1697175843762.176ff68a-4769-4566-ad0e-3792c1c8148f.dGVzdGVy.c29tZVNvdXJjZUlk.web.dGVzdGluZ19yZWFzb24";
    for (const sp of [full, "abc.1697398398279", "abc.1697398398279..."]) {
      const contexts = await emitted(
        crossNavigationEnrichment,
        config,
        enrichmentInput({ event: { page_urlquery: `_sp=${sp}` } }),
      );
      expect(contexts).toHaveLength(1);
      expect(problems(contexts[0]!)).toEqual([]);
    }
  });

  test("bot_detection/1-0-1, bot or not", async () => {
    const config = sdj(`iglu:${enrichments}/bot_detection_enrichment_config/jsonschema/1-0-1`, {
      vendor: enrichments,
      name: "bot_detection_enrichment_config",
      enabled: true,
      parameters: { useYauaa: true, useIab: true, useAsnLookups: true, useClientSideDetection: true },
    });
    const asn = sdj("iglu:com.snowplowanalytics.snowplow/asn/jsonschema/1-0-1", {
      number: 16509,
      likelyBot: true,
    });
    const client = sdj("iglu:com.snowplowanalytics.snowplow/client_side_bot_detection/jsonschema/1-0-0", {
      bot: true,
    });
    for (const input of [
      enrichmentInput(),
      enrichmentInput({ event: { contexts: [client] }, derivedContexts: [asn] }),
    ]) {
      const contexts = await emitted(botDetectionEnrichment, config, input);
      expect(problems(contexts[0]!)).toEqual([]);
    }
    expect(problems(asn)).toEqual([]);
    expect(problems(client)).toEqual([]);
  });

  test("asn/1-0-1 as asn_lookups rewrites it", async () => {
    const config = sdj(`iglu:${enrichments}/asn_lookups/jsonschema/1-0-0`, {
      vendor: enrichments,
      name: "asn_lookups",
      enabled: true,
      parameters: { botAsns: [{ asn: 16509, name: "Amazon" }], bypassPlatforms: ["srv"] },
    });
    const derived = [
      sdj("iglu:com.snowplowanalytics.snowplow/asn/jsonschema/1-0-1", {
        number: 16509,
        organization: "AMAZON-02",
      }),
      sdj("iglu:com.snowplowanalytics.snowplow/asn/jsonschema/1-0-1", { number: 3320, organization: null }),
    ];
    const contexts = await emitted(
      asnLookupsEnrichment,
      config,
      enrichmentInput({ event: { platform: "web" }, derivedContexts: derived }),
    );
    for (const context of contexts) expect(problems(context)).toEqual([]);
  });
});

const configTitle = "the configs the tests use validate against their config schemas";
describe.if(sharedDir !== null)(sharedDir ? configTitle : sharedMissing(configTitle), () => {
  const samples: SelfDescribingJson[] = [
    sdj("iglu:com.snowplowanalytics.snowplow/currency_conversion_config/jsonschema/1-0-0", {
      vendor: "com.snowplowanalytics.snowplow",
      name: "currency_conversion_config",
      enabled: true,
      parameters: { accountType: "DEVELOPER", apiKey: "0123", baseCurrency: "EUR", rateAt: "EOD_PRIOR" },
    }),
    sdj("iglu:com.snowplowanalytics.snowplow/javascript_script_config/jsonschema/1-0-1", {
      vendor: "com.snowplowanalytics.snowplow",
      name: "javascript_script_config",
      enabled: true,
      parameters: { script: "ZnVuY3Rpb24gcHJvY2VzcygpIHt9", config: { env: "prod" } },
    }),
    sdj(`iglu:${enrichments}/api_request_enrichment_config/jsonschema/1-0-2`, {
      vendor: enrichments,
      name: "api_request_enrichment_config",
      enabled: true,
      parameters: {
        inputs: [
          { key: "user", pojo: { field: "user_id" } },
          {
            key: "client",
            json: {
              field: "contexts",
              schemaCriterion: "iglu:com.acme/client/jsonschema/1-*-*",
              jsonPath: "$.clientId",
            },
          },
        ],
        api: {
          http: {
            method: "POST",
            uri: "http://api.acme.com/users/{{user}}?client={{client}}",
            timeout: 2000,
            authentication: { httpBasic: { username: "enrich", password: "s3cret" } },
          },
        },
        outputs: [{ schema: "iglu:com.acme/user/jsonschema/1-0-0", json: { jsonPath: "$.record" } }],
        cache: { size: 10, ttl: 60 },
        ignoreOnError: false,
      },
    }),
    sdj(`iglu:${enrichments}/sql_query_enrichment_config/jsonschema/1-0-1`, {
      vendor: enrichments,
      name: "sql_query_enrichment_config",
      enabled: true,
      parameters: {
        inputs: [
          { placeholder: 1, pojo: { field: "user_id" } },
          {
            placeholder: 2,
            json: {
              field: "contexts",
              schemaCriterion: "iglu:com.acme/session/jsonschema/1-*-*",
              jsonPath: "$.plan",
            },
          },
        ],
        database: {
          postgresql: {
            host: "127.0.0.1",
            port: 5432,
            sslMode: false,
            username: "postgres",
            password: "",
            database: "test",
          },
        },
        query: { sql: "SELECT first_name FROM users WHERE user_id = ? AND plan = ?" },
        output: {
          expectedRows: "AT_MOST_ONE",
          json: {
            schema: "iglu:com.acme/user/jsonschema/1-0-0",
            describes: "ALL_ROWS",
            propertyNames: "CAMEL_CASE",
          },
        },
        cache: { size: 100, ttl: 60 },
        ignoreOnError: true,
      },
    }),
    sdj(`iglu:${enrichments}/pii_enrichment_config/jsonschema/2-0-1`, {
      vendor: enrichments,
      name: "pii_enrichment_config",
      enabled: true,
      emitEvent: false,
      anonymousOnly: true,
      parameters: {
        pii: [
          { pojo: { field: "user_id" } },
          {
            json: {
              field: "unstruct_event",
              schemaCriterion: "iglu:com.acme/email_sent/jsonschema/1-*-*",
              jsonPath: "$.emailAddress",
            },
          },
        ],
        strategy: { pseudonymize: { hashFunction: "SHA-256", salt: "pepper123" } },
      },
    }),
    sdj(`iglu:${enrichments}/cross_navigation_config/jsonschema/1-0-0`, {
      vendor: enrichments,
      name: "cross_navigation_config",
      enabled: true,
    }),
    sdj(`iglu:${enrichments}/asn_lookups/jsonschema/1-0-0`, {
      vendor: enrichments,
      name: "asn_lookups",
      enabled: true,
      parameters: {
        botAsnsFile: { uri: "http://assets.example.com/asn", database: "bot-asns.csv" },
        botAsns: [{ asn: 14061, name: "DigitalOcean" }],
        bypassPlatforms: ["srv"],
      },
    }),
    sdj(`iglu:${enrichments}/bot_detection_enrichment_config/jsonschema/1-0-0`, {
      vendor: enrichments,
      name: "bot_detection_enrichment_config",
      enabled: true,
      parameters: { useYauaa: true, useIab: true, useAsnLookups: false },
    }),
  ];
  const factories: EnrichmentFactory[] = [
    currencyConversionEnrichment,
    javascriptScriptEnrichment,
    apiRequestEnrichment,
    sqlQueryEnrichment,
    piiEnrichment,
    crossNavigationEnrichment,
    asnLookupsEnrichment,
    botDetectionEnrichment,
  ];
  for (const sample of samples) {
    test(`${sample.schema}: valid, and accepted by its factory`, () => {
      expect(problems(sample)).toEqual([]);
      const factory = factories.find((f) => f.name === (sample.data as { name: string }).name);
      expect(factory?.parse(sample).ok).toBe(true);
    });
  }

  test("the check does catch an invalid datum", () => {
    const noTimestamp = sdj("iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0", {
      domain_user_id: "abc",
    });
    expect(problems(noTimestamp)).toEqual(["$.timestamp: is missing but it is required"]);
  });
});
