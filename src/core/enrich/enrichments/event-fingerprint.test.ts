/** @module Tests for the event fingerprint enrichment and its synchronous digests (MD5, SHA family). */
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { build, contextsOf, enrichmentInput } from "../../../../test/enrich-enrichments/support.ts";
import type { SelfDescribingJson } from "../../event/enriched-event.ts";
import {
  eventFingerprintEnrichment,
  fingerprintText,
  fingerprintTextOfPairs,
  parseEventFingerprintConfig,
} from "./event-fingerprint.ts";

const config = (parameters: Record<string, unknown>, version = "1-0-1"): SelfDescribingJson => ({
  schema: `iglu:com.snowplowanalytics.snowplow/event_fingerprint_config/jsonschema/${version}`,
  data: {
    vendor: "com.snowplowanalytics.snowplow",
    name: "event_fingerprint_config",
    enabled: true,
    parameters,
  },
});

const params = (entries: Record<string, string | null>) => new Map(Object.entries(entries));

describe("fingerprintText", () => {
  test("joins name␟value␟ sorted by name, skipping excluded and valueless parameters", () => {
    const text = fingerprintText(
      params({ stm: "1000000000000", e: "se", se_ac: "buy", x: null }),
      new Set(["stm"]),
    );
    expect(text).toBe("e\u001fse\u001fse_ac\u001fbuy\u001f");
    // Enrich's spec digests with `s => s.size.toString` and expects "15".
    expect(String(text.length)).toBe("15");
  });

  test("sorts by UTF-16 code units, as Java does", () => {
    expect(fingerprintText(params({ b: "1", B: "2", é: "3", "😀": "4", "\uffff": "5" }), new Set())).toBe(
      "B\u001f2\u001fb\u001f1\u001fé\u001f3\u001f😀\u001f4\u001f\uffff\u001f5\u001f",
    );
  });
});

describe("fingerprintTextOfPairs", () => {
  /** The pipeline's map of the pairs: the first value of a name wins. */
  const byName = (pairs: { name: string; value: string | null }[]) => {
    const map = new Map<string, string | null>();
    for (const p of pairs) if (!map.has(p.name)) map.set(p.name, p.value);
    return map;
  };

  test("is fingerprintText of the pipeline's map: first value wins, even a null one", () => {
    const cases = [
      [],
      [{ name: "e", value: "pv" }],
      [
        { name: "b", value: null },
        { name: "a", value: "1" },
        { name: "b", value: "2" },
        { name: "a", value: "3" },
        { name: "stm", value: "9" },
        { name: "é", value: "4" },
        { name: "B", value: "5" },
        { name: "😀", value: "6" },
      ],
      // Past the insertion-sort limit, with duplicates and reversed names.
      Array.from({ length: 150 }, (_, i) => ({
        name: `p${(150 - i) % 97}`,
        value: i % 7 === 0 ? null : `v${i}`,
      })),
    ];
    const excluded = new Set(["stm"]);
    for (const pairs of cases) {
      expect(fingerprintTextOfPairs(pairs, excluded)).toBe(fingerprintText(byName(pairs), excluded));
    }
  });
});

describe("parseEventFingerprintConfig", () => {
  test("accepts the example config Snowplow ships", () => {
    const parsed = parseEventFingerprintConfig(
      config({ excludeParameters: ["eid", "nuid", "stm", "cv"], hashAlgorithm: "MD5" }),
    );
    expect(parsed.ok && [parsed.value.hashAlgorithm, parsed.value.excludeParameters]).toEqual([
      "MD5",
      ["eid", "nuid", "stm", "cv"],
    ]);
  });

  test("an unknown algorithm fails with Enrich's message", () => {
    const parsed = parseEventFingerprintConfig(config({ excludeParameters: [], hashAlgorithm: "MD2" }));
    expect(!parsed.ok && parsed.error.message).toBe(
      "[MD2] is not a supported event fingerprint generation algorithm",
    );
  });

  test("excludeParameters is required", () => {
    const parsed = parseEventFingerprintConfig(config({ hashAlgorithm: "MD5" }, "1-0-0"));
    expect(!parsed.ok && parsed.error.path).toBe("parameters.excludeParameters");
  });
});

describe("event fingerprint enrichment (Enrich's EventFingerprintEnrichmentSpec)", () => {
  async function fingerprint(
    algorithm: string,
    parameters: Record<string, string>,
    exclude = ["stm", "eid"],
  ) {
    const e = await build(
      eventFingerprintEnrichment,
      config({ excludeParameters: exclude, hashAlgorithm: algorithm }),
    );
    const input = enrichmentInput(
      {},
      { parameters: Object.entries(parameters).map(([name, value]) => ({ name, value })) },
    );
    expect(contextsOf(e.enrich(input))).toEqual([]);
    return input.event.event_fingerprint!;
  }

  test("does not depend on the order of the parameters", async () => {
    const a = await fingerprint("MD5", { e: "se", se_ac: "action", se_ca: "category", se_pr: "property" });
    const b = await fingerprint("MD5", { se_ca: "category", se_ac: "action", se_pr: "property", e: "se" });
    expect(a).toBe(b);
    expect(a).toBe(
      createHash("md5")
        .update("e\u001fse\u001fse_ac\u001faction\u001fse_ca\u001fcategory\u001fse_pr\u001fproperty\u001f")
        .digest("hex"),
    );
  });

  test("does not depend on excluded parameters", async () => {
    const initial = await fingerprint("MD5", {
      stm: "1000000000000",
      eid: "123e4567-e89b-12d3-a456-426655440000",
      e: "se",
      se_ac: "buy",
    });
    const delayed = await fingerprint("MD5", { stm: "9999999999999", e: "se", se_ac: "buy" });
    expect(initial).toBe(delayed);
  });

  test("each configured algorithm is the digest of that name (checked against node:crypto)", async () => {
    const p = { e: "se", se_ac: "action" };
    const text = "e\u001fse\u001fse_ac\u001faction\u001f";
    const names = { MD5: "md5", SHA1: "sha1", SHA256: "sha256", SHA384: "sha384", SHA512: "sha512" };
    for (const [config, node] of Object.entries(names)) {
      expect(await fingerprint(config, p)).toBe(createHash(node).update(text).digest("hex"));
    }
  });

  test("each algorithm gives a digest of its length", async () => {
    const p = { e: "se", se_ac: "action" };
    expect((await fingerprint("MD5", p)).length).toBe(32);
    expect((await fingerprint("SHA1", p)).length).toBe(40);
    expect((await fingerprint("SHA256", p)).length).toBe(64);
    expect((await fingerprint("SHA384", p)).length).toBe(96);
    expect((await fingerprint("SHA512", p)).length).toBe(128);
  });

  test("non-ASCII values are digested as UTF-8", async () => {
    expect(await fingerprint("SHA256", { page: "Café ☕" }, [])).toBe(
      createHash("sha256").update("page\u001fCafé ☕\u001f", "utf8").digest("hex"),
    );
  });
});
