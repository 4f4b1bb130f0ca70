/**
 * @module
 * The PII pseudonymizer: every allowed atomic field, JSON fields in the three entities with schema
 * criteria and JSONPaths, each hash function, anonymous-only mode, and config refusals. Expected
 * hashes come from `node:crypto` (MD2, which it lacks, from the RFC-checked digest module).
 */
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import type { EnrichedEvent, SelfDescribingJson } from "../../event/enriched-event.ts";
import { enrichmentInput, testDeps } from "./enrichment-input.test-support.ts";
import { digestHex } from "./message-digest.ts";
import { hasAnonymousHeader, PII_POJO_FIELDS, piiEnrichment } from "./pii-pseudonymizer.ts";

const SALT = "pepper123";
const sha256 = (s: string) =>
  createHash("sha256")
    .update(s + SALT, "utf8")
    .digest("hex");

function config(pii: unknown[], extra: Record<string, unknown> = {}, hashFunction = "SHA-256") {
  return {
    schema: "iglu:com.snowplowanalytics.snowplow.enrichments/pii_enrichment_config/jsonschema/2-0-1",
    data: {
      vendor: "com.snowplowanalytics.snowplow.enrichments",
      name: "pii_enrichment_config",
      enabled: true,
      emitEvent: false,
      ...extra,
      parameters: { pii, strategy: { pseudonymize: { hashFunction, salt: SALT } } },
    },
  };
}

async function build(json: SelfDescribingJson) {
  const parsed = piiEnrichment.parse(json);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const built = await piiEnrichment.create(parsed.value, testDeps());
  if (!built.ok) throw new Error(built.error.message);
  return built.value;
}

const json = (field: string, schemaCriterion: string, jsonPath: string) => ({
  json: { field, schemaCriterion, jsonPath },
});

describe("pojo fields", () => {
  test("every allowed field is hashed; null fields stay null", async () => {
    const enrichment = await build(config(PII_POJO_FIELDS.map((field) => ({ pojo: { field } }))));
    const values = Object.fromEntries(
      PII_POJO_FIELDS.map((f) => [f, `${f}-value`]),
    ) as Partial<EnrichedEvent>;
    const input = enrichmentInput({ event: { ...values, user_id: null } });
    await enrichment.enrich(input);
    for (const field of PII_POJO_FIELDS) {
      expect(input.event[field]).toBe(field === "user_id" ? null : sha256(`${field}-value`));
    }
    expect(input.event.app_id).toBeNull();
  });

  test("each hash function, as lower-case hex of UTF-8 value + salt", async () => {
    const oracle: Record<string, (s: string) => string> = {
      MD2: (s) => digestHex("MD2", s),
      MD5: (s) => createHash("md5").update(s).digest("hex"),
      "SHA-1": (s) => createHash("sha1").update(s).digest("hex"),
      "SHA-256": (s) => createHash("sha256").update(s).digest("hex"),
      "SHA-384": (s) => createHash("sha384").update(s).digest("hex"),
      "SHA-512": (s) => createHash("sha512").update(s).digest("hex"),
    };
    for (const [name, hash] of Object.entries(oracle)) {
      const enrichment = await build(config([{ pojo: { field: "user_id" } }], {}, name));
      const input = enrichmentInput({ event: { user_id: "jöhn@acme.com" } });
      await enrichment.enrich(input);
      expect(input.event.user_id).toBe(hash(`jöhn@acme.com${SALT}`));
    }
  });
});

describe("json fields", () => {
  const email = (
    address: string,
    schema = "iglu:com.acme/email_sent/jsonschema/1-0-0",
  ): { schema: string; data: Record<string, unknown> } => ({
    schema,
    data: { emailAddress: address, emailAddress2: address, count: 3, list: [address, 7, null] },
  });

  test("unstruct_event: only entities matching the criterion, at the path", async () => {
    const enrichment = await build(
      config([json("unstruct_event", "iglu:com.acme/email_sent/jsonschema/1-*-*", "$.emailAddress")]),
    );
    const input = enrichmentInput({ event: { unstruct_event: email("a@b.c") } });
    await enrichment.enrich(input);
    expect(input.event.unstruct_event?.data).toEqual({
      ...email("a@b.c").data,
      emailAddress: sha256("a@b.c"),
    });

    const other = enrichmentInput({
      event: { unstruct_event: email("a@b.c", "iglu:com.acme/email_sent/jsonschema/2-0-0") },
    });
    await enrichment.enrich(other);
    expect(other.event.unstruct_event).toEqual(email("a@b.c", "iglu:com.acme/email_sent/jsonschema/2-0-0"));
  });

  test("contexts: strings hashed, arrays' strings hashed, numbers and nulls kept", async () => {
    const enrichment = await build(
      config([
        json("contexts", "iglu:com.acme/email_sent/jsonschema/1-0-*", "$.emailAddress2"),
        json("contexts", "iglu:com.acme/email_sent/jsonschema/1-0-*", "$.list"),
        json("contexts", "iglu:com.acme/email_sent/jsonschema/1-0-*", "$.count"),
      ]),
    );
    const untouched: SelfDescribingJson = {
      schema: "iglu:com.acme/other/jsonschema/1-0-0",
      data: { emailAddress2: "x" },
    };
    const input = enrichmentInput({ event: { contexts: [email("a@b.c"), untouched] } });
    await enrichment.enrich(input);
    expect(input.event.contexts).toEqual([
      {
        schema: "iglu:com.acme/email_sent/jsonschema/1-0-0",
        data: {
          emailAddress: "a@b.c",
          emailAddress2: sha256("a@b.c"),
          count: 3,
          list: [sha256("a@b.c"), 7, null],
        },
      },
      untouched,
    ]);
  });

  test("derived_contexts: the outcome replaces them, in the same order", async () => {
    const enrichment = await build(
      config([json("derived_contexts", "iglu:com.acme/email_sent/jsonschema/1-*-*", "$..emailAddress")]),
    );
    const other: SelfDescribingJson = { schema: "iglu:com.acme/other/jsonschema/1-0-0", data: {} };
    const outcome = await enrichment.enrich(enrichmentInput({ derivedContexts: [other, email("d@e.f")] }));
    expect(outcome).toEqual({
      kind: "enriched",
      contexts: [
        other,
        { schema: email("d@e.f").schema, data: { ...email("d@e.f").data, emailAddress: sha256("d@e.f") } },
      ],
      replacesDerivedContexts: true,
    });
  });

  test("a path that matches nothing changes nothing", async () => {
    const enrichment = await build(
      config([json("unstruct_event", "iglu:com.acme/email_sent/jsonschema/1-*-*", "$.missing.field")]),
    );
    const input = enrichmentInput({ event: { unstruct_event: email("a@b.c") } });
    await enrichment.enrich(input);
    expect(input.event.unstruct_event).toEqual(email("a@b.c"));
  });
});

describe("anonymousOnly", () => {
  test("needs an SP-Anonymous header, in any case", async () => {
    const enrichment = await build(config([{ pojo: { field: "user_ipaddress" } }], { anonymousOnly: true }));
    const plain = enrichmentInput({
      event: { user_ipaddress: "10.0.0.1" },
      headers: ["Host: c.example.com"],
    });
    await enrichment.enrich(plain);
    expect(plain.event.user_ipaddress).toBe("10.0.0.1");
    const anonymous = enrichmentInput({
      event: { user_ipaddress: "10.0.0.1" },
      headers: ["sp-Anonymous: *"],
    });
    await enrichment.enrich(anonymous);
    expect(anonymous.event.user_ipaddress).toBe(sha256("10.0.0.1"));
  });

  test("hasAnonymousHeader", () => {
    expect(hasAnonymousHeader(["SP-Anonymous: *"])).toBe(true);
    expect(hasAnonymousHeader(["X-SP-Anonymous: *"])).toBe(false);
  });
});

describe("config", () => {
  const refused = (json: SelfDescribingJson) => expect(piiEnrichment.parse(json).ok).toBe(false);
  test("refusals", () => {
    refused(config([{ pojo: { field: "app_id" } }]));
    refused(
      config([
        { json: { field: "page_url", schemaCriterion: "iglu:a/b/jsonschema/1-*-*", jsonPath: "$.a" } },
      ]),
    );
    refused(config([json("contexts", "iglu:a/b/jsonschema/1-0", "$.a")]));
    refused(config([json("contexts", "iglu:a/b/jsonschema/1-*-*", "a.b")]));
    refused(config([{}]));
    refused(config([{ pojo: { field: "user_id" } }], {}, "SHA-3"));
    refused({
      ...config([]),
      schema: "iglu:com.snowplowanalytics.snowplow.enrichments/pii_enrichment_config/jsonschema/1-0-0",
    });
  });
  test("emitEvent is accepted", () => {
    const parsed = piiEnrichment.parse(config([], { emitEvent: true }));
    expect(parsed.ok && (parsed.value as { emitEvent: boolean }).emitEvent).toBe(true);
  });
});
