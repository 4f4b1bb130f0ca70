/**
 * @module
 * Tests of `furrow enrich` in file mode, in-process: realistic tracker requests encoded by our
 * Thrift encoder go in; every TSV line that comes out must parse with the public
 * `snowplow-analytics-sdk` and hold the right values; bad rows go where they are told.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import sdk from "snowplow-analytics-sdk";
import { trackerRequests } from "../../../test/enrich/tracker-requests.ts";
import { pixel } from "../../core/enrich/test-records.test-support.ts";
import { encodeBase64 } from "../../core/thrift/base64.ts";
import type { CommandIO } from "../command.ts";
import { runCli } from "../main.ts";
import { enrichCommand } from "./enrich.ts";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const resolverConfig = join(repoRoot, "fixtures/enrich/resolver.json");
const scratch = mkdtempSync(join(tmpdir(), "furrow-enrich-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function run(argv: string[], stdin = ""): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CommandIO = {
    stdin: new Blob([stdin]).stream(),
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    stopped: new Promise(() => {}),
  };
  const code = await runCli(argv, io);
  return { code, out, err };
}

const requests = trackerRequests();
const input = join(scratch, "raw.b64");
writeFileSync(
  input,
  `${requests.map((r) => encodeBase64(r.record)).join("\n")}\n\nnot base64!\n${encodeBase64(pixel({ e: "pv", tid: "x" }))}\n`,
);

type Sdk = Record<string, unknown>;
/** The lines of a text, without the final newline (not trimEnd: TSV lines end in empty columns). */
const linesOf = (text: string) => text.split("\n").filter((l) => l !== "");
const transform = (line: string) => sdk.transform(line) as unknown as Sdk;

describe("furrow enrich --from", () => {
  test("enriches a session of tracker requests into TSV the Analytics SDK reads, with the right values", async () => {
    const badFile = join(scratch, "bad.ndjson");
    const { code, out, err } = await run([
      "enrich",
      "--iglu-config",
      resolverConfig,
      "--from",
      input,
      "--bad",
      badFile,
    ]);
    expect(code).toBe(0);
    expect(err).toBe("furrow enrich: 11 records: 11 good, 2 bad, 0 failed\n");
    const lines = linesOf(out);
    expect(lines).toHaveLength(requests.reduce((n, r) => n + r.events, 0));
    for (const line of lines) expect(line.split("\t")).toHaveLength(131);
    const events = lines.map(transform);
    expect(events.map((e) => e["event"])).toEqual([
      "page_view",
      "page_ping",
      "struct",
      "unstruct",
      "transaction",
      "transaction_item",
      "page_view",
      "page_ping",
      "unstruct",
      "unstruct",
      "unstruct",
    ]);
    const [pv, pp, se, click, tr, ti, , , cart, redirect, webhook] = events as [
      Sdk,
      Sdk,
      Sdk,
      Sdk,
      Sdk,
      Sdk,
      Sdk,
      Sdk,
      Sdk,
      Sdk,
      Sdk,
    ];

    expect(pv).toMatchObject({
      app_id: "furrow-shop",
      platform: "web",
      event_id: "b3e9a1c2-5d4f-4e6a-8b7c-000000000001",
      collector_tstamp: "2024-06-10T06:13:20.500Z",
      dvce_created_tstamp: "2024-06-10T06:13:20.001Z",
      dvce_sent_tstamp: "2024-06-10T06:13:20.041Z",
      derived_tstamp: "2024-06-10T06:13:20.460Z",
      user_ipaddress: "198.51.100.23",
      network_userid: "4f1c7a52-9d0e-4b8a-a5c3-2e6f8b1d9c07",
      domain_userid: "7e2d4c1b-8a9f-4b3e-a6d5-0c1f2e3d4b5a",
      domain_sessionidx: 3,
      domain_sessionid: "0d9a7f2e-3c1b-4e5d-9f8a-6b2c1d0e3f4a",
      page_title: "Linen shirt – Furrow",
      page_url: "https://shop.example.com/products/linen-shirt?colour=blue&utm_source=newsletter",
      page_urlhost: "shop.example.com",
      page_urlport: 443,
      page_urlquery: "colour=blue&utm_source=newsletter",
      refr_urlhost: "www.search.example",
      refr_urlquery: "q=linen+shirt",
      br_cookies: true,
      dvce_screenwidth: 2560,
      br_viewheight: 789,
      doc_height: 4210,
      v_tracker: "js-3.23.0",
      v_collector: "ssc-3.4.0-kinesis",
      v_etl: expect.stringMatching(/^furrow-enrich-\d+\.\d+\.\d+/),
      event_vendor: "com.snowplowanalytics.snowplow",
      event_name: "page_view",
      contexts_com_snowplowanalytics_snowplow_web_page_1: [{ id: "e4b3c2d1-0f9e-4d8c-b7a6-5f4e3d2c1b0a" }],
    });
    expect(pp).toMatchObject({ pp_yoffset_max: 1380, event_name: "page_ping" });
    expect(se).toMatchObject({
      se_category: "basket",
      se_action: "add",
      se_value: "49.50",
      event_vendor: "com.google.analytics",
      event_name: "event",
    });
    expect(se["contexts_com_furrow_example_product_context_1"]).toEqual([
      expect.objectContaining({ sku: "LS-01", price: 49.5 }),
    ]);
    expect(click).toMatchObject({
      event_name: "link_click",
      event_version: "1-0-1",
      unstruct_event_com_snowplowanalytics_snowplow_link_click_1: {
        targetUrl: "https://shop.example.com/cart",
        elementId: "go-to-cart",
        elementClasses: ["btn"],
      },
    });
    expect(tr).toMatchObject({
      tr_orderid: "order-1001",
      tr_total: 104,
      tr_tax: 17.33,
      tr_shipping: 5,
      tr_currency: "GBP",
      tr_city: "Leeds",
      event_name: "transaction",
    });
    expect(ti).toMatchObject({
      ti_orderid: "order-1001",
      ti_sku: "LS-01",
      ti_price: 49.5,
      ti_quantity: 2,
      event_name: "transaction_item",
    });
    expect(cart).toMatchObject({
      event_vendor: "com.furrow.example",
      event_name: "button_click",
      event_version: "1-0-2",
    });
    // button_click 1-0-1 declares $supersededBy 1-0-2: the swap is recorded in derived_contexts.
    expect(cart["contexts_com_snowplowanalytics_iglu_validation_info_1"]).toEqual([
      { originalSchema: "iglu:com.furrow.example/button_click/jsonschema/1-0-1", validatedWith: "1-0-2" },
    ]);
    expect(redirect).toMatchObject({
      app_id: "email",
      platform: "web",
      v_tracker: "r-tp2",
      unstruct_event_com_snowplowanalytics_snowplow_uri_redirect_1: {
        uri: "https://partner.example/offer?id=7",
      },
    });
    expect(webhook).toMatchObject({
      app_id: "backend",
      platform: "app",
      v_tracker: "com.snowplowanalytics.iglu-v1",
      useragent: "curl/8.5.0",
      unstruct_event_com_furrow_example_page_context_1: { id: "e4b3c2d1-0f9e-4d8c-b7a6-5f4e3d2c1b0a" },
    });

    const bad = linesOf(readFileSync(badFile, "utf8")).map((l) => JSON.parse(l));
    expect(bad.map((b) => b.schema)).toEqual([
      "iglu:com.snowplowanalytics.snowplow.badrows/collector_payload_format_violation/jsonschema/1-0-0",
      "iglu:com.snowplowanalytics.snowplow.badrows/schema_violations/jsonschema/2-0-1",
    ]);
    expect(bad[0].data.failure.message.error).toBe(
      'line 11 is not base64: invalid base64 character " " at position 3',
    );
  });

  test("reads standard input with '-', bad rows to standard error, failed events to --failed", async () => {
    const failedFile = join(scratch, "failed.tsv");
    const stdin = `${encodeBase64(pixel({ e: "pv" }))}\n${encodeBase64(pixel({ e: "pv", tid: "x" }))}\n`;
    const { code, out, err } = await run(
      ["enrich", "--iglu-config", resolverConfig, "--from", "-", "--failed", failedFile],
      stdin,
    );
    expect(code).toBe(0);
    expect(linesOf(out)).toHaveLength(1);
    expect(JSON.parse(err).schema).toContain("schema_violations");
    const failed = linesOf(readFileSync(failedFile, "utf8"));
    expect(failed).toHaveLength(1);
    expect(transform(failed[0]!)["event_name"]).toBe("page_view");
    expect(failed[0]).toContain("iglu:com.snowplowanalytics.snowplow/failure/jsonschema/1-0-0");
  });

  test("reports every bad enrichment config on its own line and exits 2", async () => {
    const dir = join(scratch, "enrichments");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "broken.json"), "{ not json");
    writeFileSync(
      join(dir, "unknown.json"),
      JSON.stringify({
        schema: "iglu:com.acme/x/jsonschema/1-0-0",
        data: { name: "no_such_enrichment", enabled: true },
      }),
    );
    writeFileSync(
      join(dir, "off.json"),
      JSON.stringify({
        schema: "iglu:com.acme/x/jsonschema/1-0-0",
        data: { name: "no_such_enrichment", enabled: false },
      }),
    );
    const { code, err } = await run([
      "enrich",
      "--iglu-config",
      resolverConfig,
      "--enrichments",
      dir,
      "--from",
      input,
    ]);
    expect(code).toBe(2);
    expect(err.trimEnd().split("\n")).toEqual([
      expect.stringMatching(/^furrow enrich: broken\.json: not valid JSON/),
    ]);
    rmSync(join(dir, "broken.json"));
    const second = await run([
      "enrich",
      "--iglu-config",
      resolverConfig,
      "--enrichments",
      dir,
      "--from",
      input,
    ]);
    expect(second.code).toBe(2);
    expect(second.err.trimEnd().split("\n")).toEqual([
      expect.stringMatching(
        /^furrow enrich: unknown\.json: no_such_enrichment: \$\.data\.name: unknown enrichment/,
      ),
    ]);
  });

  test("usage errors are one line and exit 2", async () => {
    for (const [argv, message] of [
      [["enrich", "--from", input], "--iglu-config is required"],
      [
        ["enrich", "--iglu-config", resolverConfig],
        "give exactly one of --from FILE and --input-stream NAME",
      ],
      [
        ["enrich", "--iglu-config", resolverConfig, "--from", input, "--good-stream", "x"],
        "--good-stream needs --input-stream",
      ],
      [
        ["enrich", "--iglu-config", resolverConfig, "--from", input, "--shutdown-timeout", "5000"],
        "--shutdown-timeout needs --input-stream",
      ],
      [["enrich", "--iglu-config", resolverConfig, "--from", join(scratch, "missing.b64")], "cannot read"],
    ] as const) {
      const { code, err } = await run([...argv]);
      expect(code).toBe(2);
      expect(err).toContain(message);
      expect(err.trimEnd().split("\n")).toHaveLength(1);
    }
    const badConfig = await run(["enrich", "--iglu-config", join(scratch, "nope.json"), "--from", input]);
    expect(badConfig.code).toBe(2);
    expect(badConfig.err).toContain("cannot read");
    expect(enrichCommand.help).toContain("--input-stream");
  });
});
