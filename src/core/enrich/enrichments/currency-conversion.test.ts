/**
 * @module
 * Currency conversion against recorded Open Exchange Rates responses
 * (`fixtures/enrich-recorded/open-exchange-rates/`), replayed by msw's request handlers through the
 * enrichment's injected `fetch`. The GBP→EUR figures are those Snowplow's own spec expects for
 * 2011-03-13 from the live API.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { getResponse, HttpResponse, http } from "msw";
import { inputData, simple } from "../../badrows/failure-message.ts";
import type { EnrichedEvent } from "../../event/enriched-event.ts";
import type { EnrichmentOutcome } from "../enrichment.ts";
import { currencyConversionEnrichment, parseOerResponse } from "./currency-conversion.ts";
import { enrichmentInput, testDeps } from "./enrichment-input.test-support.ts";

const RECORDED_KEY = "0123456789abcdef0123456789abcdef";
const recorded = (name: string) =>
  readFileSync(
    fileURLToPath(
      new URL(`../../../../fixtures/enrich-recorded/open-exchange-rates/${name}`, import.meta.url),
    ),
    "utf8",
  );

/** OER as recorded: known dates (and bases) answer their file, a wrong key the 401 body. */
const handlers = [
  http.get("https://openexchangerates.org/api/historical/:file", ({ request, params }) => {
    const url = new URL(request.url);
    requests.push(url.toString());
    if (url.searchParams.get("app_id") !== RECORDED_KEY) {
      return new HttpResponse(recorded("error-401-invalid_app_id.json"), {
        status: 401,
        headers: { "content-type": "application/json" },
      });
    }
    const base = url.searchParams.get("base");
    const name = `historical-${String(params.file).replace(".json", "")}${base === null ? "" : `-base-${base}`}.json`;
    try {
      return new HttpResponse(recorded(name), { headers: { "content-type": "application/json" } });
    } catch {
      return HttpResponse.json(
        { error: true, status: 400, message: "not_available", description: name },
        { status: 400 },
      );
    }
  }),
];
let requests: string[] = [];

const replayFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
  const response = await getResponse(handlers, new Request(input, init));
  if (response === undefined) throw new Error(`no recording for ${String(input)}`);
  return response;
}) as typeof fetch;

function config(parameters: Record<string, unknown>) {
  return {
    schema: "iglu:com.snowplowanalytics.snowplow/currency_conversion_config/jsonschema/1-0-0",
    data: {
      vendor: "com.snowplowanalytics.snowplow",
      name: "currency_conversion_config",
      enabled: true,
      parameters: {
        accountType: "DEVELOPER",
        apiKey: RECORDED_KEY,
        baseCurrency: "EUR",
        rateAt: "EOD_PRIOR",
        ...parameters,
      },
    },
  };
}

async function build(parameters: Record<string, unknown> = {}) {
  const parsed = currencyConversionEnrichment.parse(config(parameters));
  if (!parsed.ok) throw new Error(parsed.error.message);
  const built = await currencyConversionEnrichment.create(parsed.value, testDeps({ fetch: replayFetch }));
  if (!built.ok) throw new Error(built.error.message);
  return built.value;
}

const march13 = Date.UTC(2011, 2, 13, 9, 30);

async function run(event: Partial<EnrichedEvent>, parameters: Record<string, unknown> = {}) {
  const enrichment = await build(parameters);
  const input = enrichmentInput({ event: { collector_tstamp: march13, ...event } });
  const outcome: EnrichmentOutcome = await enrichment.enrich(input);
  const e = input.event;
  return {
    outcome,
    base: [e.tr_total_base, e.tr_tax_base, e.tr_shipping_base, e.ti_price_base],
    currency: e.base_currency,
  };
}

describe("conversions (Snowplow's expected figures, DEVELOPER account)", () => {
  test("transaction total only", async () => {
    const r = await run({ tr_currency: "GBP", tr_total: "11.00" });
    expect(r.outcome).toEqual({ kind: "enriched", contexts: [] });
    expect(r.base).toEqual(["12.75", null, null, null]);
    expect(r.currency).toBe("EUR");
  });

  test("tax and shipping, including zero", async () => {
    expect((await run({ tr_currency: "GBP", tr_tax: "2.67", tr_shipping: "0.00" })).base).toEqual([
      null,
      "3.09",
      "0.00",
      null,
    ]);
  });

  test("transaction item price", async () => {
    expect((await run({ ti_currency: "GBP", ti_price: "12.99" })).base).toEqual([null, null, null, "15.05"]);
    expect((await run({ ti_currency: "GBP", ti_price: "10.99", tr_total: "14.00" })).base).toEqual([
      null,
      null,
      null,
      "12.74",
    ]);
  });

  test("everything at once", async () => {
    const r = await run({
      tr_currency: "GBP",
      tr_total: "16.00",
      tr_tax: "2.67",
      tr_shipping: "0.00",
      ti_price: "10.00",
    });
    expect(r.base).toEqual(["18.54", "3.09", "0.00", null]);
  });

  test("the same currency is only rounded, on the double's exact value (HALF_EVEN)", async () => {
    const r = await run({
      tr_currency: "EUR",
      tr_total: "11.00",
      tr_tax: "2.675",
      tr_shipping: "0.125",
      ti_currency: "EUR",
      ti_price: "12.99",
    });
    // 2.675 as a double is 2.67499999…; 0.125 is exact and rounds to even.
    expect(r.base).toEqual(["11.00", "2.67", "0.12", "12.99"]);
  });

  test("the base currency's decimal places set the scale", async () => {
    expect((await run({ tr_currency: "EUR", tr_total: "10.00" }, { baseCurrency: "JPY" })).base[0]).toBe(
      "1138",
    );
  });

  test("no currency or no amount: only base_currency is set, without a request", async () => {
    requests = [];
    expect((await run({ tr_total: "11.00", ti_price: "12.99" })).base).toEqual([null, null, null, null]);
    const r = await run({ tr_currency: "GBP", ti_currency: "GBP" });
    expect(r.base).toEqual([null, null, null, null]);
    expect(r.currency).toBe("EUR");
    expect(requests).toEqual([]);
  });
});

describe("ENTERPRISE and UNLIMITED accounts ask OER for the base", () => {
  test("rates relative to EUR", async () => {
    requests = [];
    const r = await run(
      {
        collector_tstamp: Date.UTC(2024, 0, 15, 23, 59),
        tr_currency: "JPY",
        tr_total: "1000",
        ti_currency: "USD",
        ti_price: "19.99",
      },
      { accountType: "ENTERPRISE" },
    );
    expect(r.base).toEqual(["6.25", null, null, "18.25"]);
    expect(requests).toEqual([
      `https://openexchangerates.org/api/historical/2024-01-15.json?app_id=${RECORDED_KEY}&base=EUR`,
    ]);
  });
});

describe("failures, worded as Enrich words them", () => {
  test("an unknown transaction currency, once per amount", async () => {
    const r = await run({
      tr_currency: "RUP",
      tr_total: "11.00",
      tr_tax: "1.17",
      tr_shipping: "0.00",
      ti_price: "17.99",
    });
    const m = inputData("tr_currency", "RUP", "Unknown currency 'RUP'");
    expect(r.outcome).toEqual({ kind: "failed", messages: [m, m, m] });
  });

  test("an unknown item currency", async () => {
    const r = await run({ tr_total: "12.00", ti_currency: "HUL", ti_price: "1.99" });
    expect(r.outcome).toEqual({
      kind: "failed",
      messages: [inputData("ti_currency", "HUL", "Unknown currency 'HUL'")],
    });
  });

  test("an invalid API key", async () => {
    const r = await run(
      { ti_currency: "GBP", ti_price: "2.99" },
      { apiKey: "8A8A8A8A8A8A8A8A8A8A8A8AA8A8A8A8" },
    );
    expect(r.outcome).toEqual({
      kind: "failed",
      messages: [simple("Open Exchange Rates error, type: [OtherErrors], message: [invalid_app_id]")],
    });
  });

  test("a currency joda-money knows but the day's rates lack", async () => {
    const r = await run({ tr_currency: "KPW", tr_total: "1" });
    expect(r.outcome).toEqual({
      kind: "failed",
      messages: [
        simple(
          "Open Exchange Rates error, type: [IllegalCurrency], message: [Currency not found in the API, invalid currency KPW]",
        ),
      ],
    });
  });

  test("a date before OER's data", async () => {
    const r = await run({ collector_tstamp: Date.UTC(1998, 5, 1, 12), tr_currency: "GBP", tr_total: "1" });
    expect(r.outcome).toEqual({
      kind: "failed",
      messages: [
        simple(
          "Open Exchange Rates error, type: [ResourcesNotAvailable], message: [Exchange rate unavailable on the date [1998-06-01T00:00Z[UTC]]]",
        ),
      ],
    });
  });

  test("one request per date, reused", async () => {
    const enrichment = await build();
    requests = [];
    for (const total of ["1.00", "2.00", "3.00"]) {
      await enrichment.enrich(
        enrichmentInput({ event: { collector_tstamp: march13, tr_currency: "GBP", tr_total: total } }),
      );
    }
    expect(requests).toHaveLength(1);
  });
});

describe("parseOerResponse", () => {
  test("keeps the numbers' exact text and drops unknown codes", () => {
    const rates = parseOerResponse(recorded("historical-2024-01-15-base-EUR.json"));
    expect(rates.ok && [...rates.value.keys()]).toEqual(["CHF", "EUR", "GBP", "JPY", "KWD", "USD"]);
    expect(rates.ok && rates.value.get("GBP")).toEqual({ unscaled: 860195n, scale: 6 });
  });
  test("not JSON, no rates", () => {
    expect(parseOerResponse("<html>").ok).toBe(false);
    expect(parseOerResponse("{}")).toEqual({
      ok: false,
      error: simple(
        "Open Exchange Rates error, type: [OtherErrors], message: [OER response couldn't be decoded]",
      ),
    });
  });
});

describe("config", () => {
  test("refusals", () => {
    const refused = (p: Record<string, unknown>) =>
      expect(currencyConversionEnrichment.parse(config(p)).ok).toBe(false);
    refused({ baseCurrency: "XYZ" });
    refused({ accountType: "FREE" });
    refused({ apiKey: 42 });
    refused({ rateAt: "NOW" });
  });
});
