/** @module Tests of building enrichments from Snowplow's enrichment configs. */
import { describe, expect, test } from "bun:test";
import { err, ok } from "../result.ts";
import type { Enrichment, EnrichmentDeps, EnrichmentFactory, EnrichmentName } from "./enrichment.ts";
import { ENRICHMENT_ORDER } from "./enrichment.ts";
import {
  buildEnrichments,
  type EnrichmentConfigSource,
  formatEnrichmentConfigProblem,
} from "./enrichment-config.ts";
import { ENRICHMENT_FACTORIES } from "./enrichments/index.ts";

const deps: EnrichmentDeps = {
  loadAsset: async () => new Uint8Array(),
  fetch,
  now: () => 0,
  services: {},
};

const closed: string[] = [];
function factory(name: EnrichmentName, options: { failCreate?: boolean } = {}): EnrichmentFactory {
  return {
    name,
    parse(config) {
      const params = (config.data as { parameters?: unknown }).parameters;
      if (params !== undefined && typeof params !== "object") {
        return err({ enrichment: name, path: "$.data.parameters", message: "must be an object" });
      }
      return ok(params ?? {});
    },
    async create(parsed) {
      if (options.failCreate)
        return err({
          enrichment: name,
          path: "$.data.parameters.uri",
          message: "cannot download the database",
        });
      const enrichment: Enrichment = {
        name,
        schemaKey: {
          vendor: "com.snowplowanalytics.snowplow",
          name,
          format: "jsonschema",
          version: { model: 1, revision: 0, addition: 0 },
        },
        enrich: () => ({
          kind: "enriched",
          contexts: [{ schema: "iglu:x/y/jsonschema/1-0-0", data: parsed }],
        }),
        close: async () => {
          closed.push(name);
        },
      };
      return ok(enrichment);
    },
  };
}

const config = (
  name: string,
  data: Record<string, unknown> = {},
  source = `${name}.json`,
): EnrichmentConfigSource => ({
  source,
  json: {
    schema: `iglu:com.snowplowanalytics.snowplow/${name}/jsonschema/1-0-0`,
    data: { name, vendor: "com.snowplowanalytics.snowplow", enabled: true, parameters: {}, ...data },
  },
});

const factories = [factory("anon_ip"), factory("ua_parser_config"), factory("javascript_script_config")];

describe("buildEnrichments", () => {
  test("builds the enabled ones in Enrich's order, scripts in the order given", async () => {
    const built = await buildEnrichments(
      [
        config("anon_ip"),
        config("javascript_script_config", { parameters: { n: 1 } }, "js1.json"),
        config("ua_parser_config", { enabled: false }),
        config("javascript_script_config", { parameters: { n: 2 } }, "js2.json"),
      ],
      factories,
      deps,
    );
    expect(built.ok && built.value.map((e) => e.name)).toEqual([
      "javascript_script_config",
      "javascript_script_config",
      "anon_ip",
    ]);
  });

  test("reports every problem, one line each, and builds nothing", async () => {
    const built = await buildEnrichments(
      [
        { source: "a.json", json: { data: {} } },
        { source: "b.json", json: { schema: "iglu:x/y/jsonschema/1-0-0", data: { enabled: true } } },
        config("not_an_enrichment"),
        config("anon_ip", { enabled: "yes" }),
        config("ua_parser_config", { parameters: 5 }),
        config("ip_lookups"),
        config("anon_ip", {}, "anon-again.json"),
        config("anon_ip", {}, "anon-third.json"),
      ],
      factories,
      deps,
    );
    expect(built.ok).toBe(false);
    if (built.ok) return;
    expect(built.error.map(formatEnrichmentConfigProblem)).toEqual([
      'a.json: ?: $: not a self-describing JSON (INVALID_DATA_PAYLOAD): needs "schema" (an Iglu URI) and "data"',
      "b.json: ?: $.data.name: must be a string naming the enrichment",
      expect.stringMatching(
        /^not_an_enrichment\.json: not_an_enrichment: \$\.data\.name: unknown enrichment; known ones are iab_spiders/,
      ),
      "anon_ip.json: anon_ip: $.data.enabled: must be true or false",
      "ua_parser_config.json: ua_parser_config: $.data.parameters: must be an object",
      "ip_lookups.json: ip_lookups: $.data.name: not available in this build of Furrow",
      "anon-third.json: anon_ip: $.data.name: configured twice (also in anon-again.json)",
    ]);
  });

  test("a factory that cannot build fails the whole set, and what was built is closed", async () => {
    closed.length = 0;
    const built = await buildEnrichments(
      [config("anon_ip"), config("ua_parser_config")],
      [factory("anon_ip"), factory("ua_parser_config", { failCreate: true })],
      deps,
    );
    expect(!built.ok && built.error.map(formatEnrichmentConfigProblem)).toEqual([
      "ua_parser_config.json: ua_parser_config: $.data.parameters.uri: cannot download the database",
    ]);
    expect(closed).toEqual(["anon_ip"]);
  });

  test("no configs, no enrichments", async () => {
    expect(await buildEnrichments([], factories, deps)).toEqual({ ok: true, value: [] });
  });
});

describe("ENRICHMENT_FACTORIES", () => {
  test("has one factory per enrichment, in Enrich's order", () => {
    const names = ENRICHMENT_FACTORIES.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    const positions = names.map((n) => ENRICHMENT_ORDER.indexOf(n));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });
});
