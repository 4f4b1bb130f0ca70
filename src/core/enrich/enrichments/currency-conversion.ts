/**
 * @module
 * Currency conversion (`currency_conversion_config` 1-0-0, Enrich's `CurrencyConversionEnrichment`
 * over scala-forex and joda-money), with Open Exchange Rates (OER) as the rate source.
 *
 * For every event it sets `base_currency`. When a transaction has `tr_currency` it converts
 * `tr_total`, `tr_tax` and `tr_shipping` (those present) into `tr_*_base`; when a transaction item
 * has `ti_currency` it converts `ti_price` into `ti_price_base`.
 *
 * Rates: `rateAt` is always `EOD_PRIOR`, scala-forex's `at(collector time)` rounding down, i.e.
 * OER's end-of-day rates for the collector timestamp's UTC date, from
 * `GET /api/historical/YYYY-MM-DD.json?app_id=…` (`&base=…` for ENTERPRISE and UNLIMITED accounts,
 * whose rates are then relative to the base currency; DEVELOPER rates are relative to USD). One
 * response serves every currency of that date and is cached.
 *
 * Arithmetic, exactly as scala-forex and joda-money do it (see `big-decimal.ts`):
 * - the amount is the event's decimal as a Java double, then `new BigDecimal(double)`;
 * - the rate from → base is `round6(1 / rate[from]) × rate[base]` (`Forex.getForexRate`, HALF_EVEN
 *   to 6 places), the rates being OER's JSON numbers read exactly;
 * - amount × rate is rounded HALF_EVEN to the base currency's decimal places. An amount already in
 *   the base currency is just rounded (the rates are still fetched, as scala-forex fetches them).
 *
 * Failures, worded as Enrich words them: an unknown currency code is InputData on `tr_currency`
 * (once per amount it would have converted) or `ti_currency`; OER problems are
 * `Open Exchange Rates error, type: [OtherErrors|IllegalCurrency|ResourcesNotAvailable], message: […]`.
 *
 * Two deviations: OER is called over https (scala-forex uses plain http), and scala-forex's
 * per-process EOD cache, which for some currencies serves `round6(1 / (base→X))` instead of the
 * direct rate depending on which event of the day came first, is not reproduced: the direct rate is
 * always used, so results do not depend on event order.
 */
import { type EnrichmentFailureMessage, inputData, simple } from "../../badrows/failure-message.ts";
import type { EnrichedEvent } from "../../event/enriched-event.ts";
import { formatTimestamp } from "../../event/timestamp.ts";
import { schemaCriterion } from "../../iglu/schema-criterion.ts";
import type { SchemaKey } from "../../iglu/schema-key.ts";
import { err, ok, type Result } from "../../result.ts";
import type {
  Enrichment,
  EnrichmentConfigError,
  EnrichmentDeps,
  EnrichmentFactory,
  EnrichmentInput,
  EnrichmentOutcome,
} from "../enrichment.ts";
import {
  type BigDecimal,
  bigDecimalOfDouble,
  divide,
  multiply,
  parseBigDecimal,
  setScale,
  toPlainString,
} from "./big-decimal.ts";
import { type CurrencyUnit, currencyUnit } from "./currency-unit.ts";
import { LruCache } from "./lru-cache.ts";
import { ConfigReader, isJsonObject, NOTHING_ADDED } from "./parseable-enrichment.ts";

/** Open Exchange Rates' API root. */
export const OPEN_EXCHANGE_RATES_API = "https://openexchangerates.org/api/";

export type AccountType = "DEVELOPER" | "ENTERPRISE" | "UNLIMITED";

/** The parsed `currency_conversion_config`. */
export interface CurrencyConversionConfig {
  readonly schemaKey: SchemaKey;
  readonly apiKey: string;
  readonly baseCurrency: CurrencyUnit;
  readonly accountType: AccountType;
}

const criterion = schemaCriterion(
  "com.snowplowanalytics.snowplow",
  "currency_conversion_config",
  "jsonschema",
  1,
  0,
);
const reader = new ConfigReader("currency_conversion_config");

/** Parses Snowplow's `currency_conversion_config`. */
export function parseCurrencyConversionConfig(
  json: unknown,
): Result<CurrencyConversionConfig, EnrichmentConfigError> {
  const config = reader.config(json, criterion);
  if (!config.ok) return config;
  const { data, schemaKey } = config.value;
  const apiKey = reader.string(data, ["parameters", "apiKey"]);
  if (!apiKey.ok) return apiKey;
  const base = reader.string(data, ["parameters", "baseCurrency"]);
  if (!base.ok) return base;
  const baseCurrency = currencyUnit(base.value);
  if (!baseCurrency.ok) return err(reader.error("parameters.baseCurrency", baseCurrency.error));
  const account = reader.string(data, ["parameters", "accountType"]);
  if (!account.ok) return account;
  if (account.value !== "DEVELOPER" && account.value !== "ENTERPRISE" && account.value !== "UNLIMITED") {
    return err(
      reader.error(
        "parameters.accountType",
        `accountType [${account.value}] is not one of DEVELOPER, ENTERPRISE, and UNLIMITED`,
      ),
    );
  }
  const rateAt = reader.at(data, ["parameters", "rateAt"]);
  if (rateAt !== undefined && rateAt !== "EOD_PRIOR") {
    return err(reader.error("parameters.rateAt", `rateAt must be EOD_PRIOR, got ${JSON.stringify(rateAt)}`));
  }
  return ok({
    schemaKey,
    apiKey: apiKey.value,
    baseCurrency: baseCurrency.value,
    accountType: account.value,
  });
}

type OerErrorType = "OtherErrors" | "IllegalCurrency" | "ResourcesNotAvailable";

const oerError = (type: OerErrorType, message: string): EnrichmentFailureMessage =>
  simple(`Open Exchange Rates error, type: [${type}], message: [${message}]`);

/** A day's rates as OER gives them, each read exactly from the JSON text. */
type Rates = ReadonlyMap<string, BigDecimal>;

/**
 * Reads an OER response body as scala-forex does: a JSON object with a `message` is an error
 * (OER's `{"error": true, "status": 401, "message": "invalid_app_id", …}`), else `rates` must map
 * codes to numbers; codes joda-money does not know (BTC, CNH…) are dropped.
 */
export function parseOerResponse(body: string): Result<Rates, EnrichmentFailureMessage> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    return err(oerError("OtherErrors", `OER response is not JSON: ${(e as Error).message}`));
  }
  if (isJsonObject(json) && typeof json["message"] === "string")
    return err(oerError("OtherErrors", json["message"]));
  const rates = isJsonObject(json) ? json["rates"] : undefined;
  if (!isJsonObject(rates) || !Object.values(rates).every((v) => typeof v === "number")) {
    return err(oerError("OtherErrors", "OER response couldn't be decoded"));
  }
  // The numbers' exact text: JSON.parse keeps only the nearest double. OER writes rates as plain
  // decimals; a code appears once, inside `rates`, as a quoted key followed by its number.
  const out = new Map<string, BigDecimal>();
  for (const [code, value] of Object.entries(rates)) {
    if (!currencyUnit(code).ok) continue;
    const source = new RegExp(`"${code}"\\s*:\\s*(-?[0-9][0-9.eE+-]*)`).exec(body)?.[1];
    const exact = (source !== undefined && parseBigDecimal(source)) || parseBigDecimal(String(value));
    if (exact !== null) out.set(code, exact);
  }
  return ok(out);
}

/** OER's earliest date, and scala-forex's check against it (in UTC). */
const OER_DATA_FROM = Date.UTC(1999, 0, 1);
const DAY = 86400000;

/** The conversion of one amount: the new base-currency amount, or the reason it failed. */
type Conversion = Result<string, EnrichmentFailureMessage>;

class CurrencyConversionEnrichment implements Enrichment {
  readonly name = "currency_conversion_config" as const;
  readonly schemaKey: SchemaKey;
  readonly #config: CurrencyConversionConfig;
  readonly #deps: EnrichmentDeps;
  /** Rates by UTC date; a past day's end-of-day rates never change. */
  readonly #rates = new LruCache<string, Rates>(400);
  readonly #pending = new Map<string, Promise<Result<Rates, EnrichmentFailureMessage>>>();

  constructor(config: CurrencyConversionConfig, deps: EnrichmentDeps) {
    this.schemaKey = config.schemaKey;
    this.#config = config;
    this.#deps = deps;
  }

  enrich({ event }: EnrichmentInput): EnrichmentOutcome | Promise<EnrichmentOutcome> {
    event.base_currency = this.#config.baseCurrency.code;
    const wanted: [keyof EnrichedEvent, "tr_currency" | "ti_currency", string | null][] = [];
    const add = (
      target: keyof EnrichedEvent,
      currencyField: "tr_currency" | "ti_currency",
      amount: string | null,
    ) => {
      if (event[currencyField] !== null && amount !== null) wanted.push([target, currencyField, amount]);
    };
    add("tr_total_base", "tr_currency", event.tr_total);
    add("tr_tax_base", "tr_currency", event.tr_tax);
    add("tr_shipping_base", "tr_currency", event.tr_shipping);
    add("ti_price_base", "ti_currency", event.ti_price);
    if (wanted.length === 0 || event.collector_tstamp === null) return NOTHING_ADDED;
    return this.#convertAll(event, event.collector_tstamp, wanted);
  }

  async #convertAll(
    event: EnrichedEvent,
    collectorTstamp: number,
    wanted: [keyof EnrichedEvent, "tr_currency" | "ti_currency", string | null][],
  ): Promise<EnrichmentOutcome> {
    const results: Conversion[] = [];
    for (const [, currencyField, amount] of wanted) {
      const code = event[currencyField] as string;
      const from = currencyUnit(code);
      results.push(
        from.ok
          ? await this.#convert(from.value, Number(amount), collectorTstamp)
          : err(inputData(currencyField, code, from.error)),
      );
    }
    const failures = results.flatMap((r) => (r.ok ? [] : [r.error]));
    if (failures.length > 0) return { kind: "failed", messages: failures };
    wanted.forEach(([target], i) => {
      (event as unknown as Record<string, string>)[target] = (results[i] as { value: string }).value;
    });
    return NOTHING_ADDED;
  }

  async #convert(from: CurrencyUnit, amount: number, collectorTstamp: number): Promise<Conversion> {
    const base = this.#config.baseCurrency;
    const rates = await this.#ratesAt(collectorTstamp);
    if (!rates.ok) return rates;
    for (const code of [from.code, base.code]) {
      if (!rates.value.has(code)) {
        return err(oerError("IllegalCurrency", `Currency not found in the API, invalid currency ${code}`));
      }
    }
    if (!Number.isFinite(amount))
      return err(simple(`an error happened while converting the currency: ${amount} is not a number`));
    const exact = bigDecimalOfDouble(amount);
    if (from.code === base.code) return ok(toPlainString(setScale(exact, base.decimalPlaces)));
    const fromRate = rates.value.get(from.code)!;
    const toRate = rates.value.get(base.code)!;
    let rate: BigDecimal;
    try {
      rate = multiply(divide({ unscaled: 1n, scale: 0 }, fromRate, 6), toRate);
    } catch (e) {
      return err(simple(`an error happened while converting the currency: ${(e as Error).message}`));
    }
    if (rate.unscaled < 0n) {
      // joda-money's BigMoney.convertedTo refuses a negative multiplier.
      return err(oerError("OtherErrors", "Cannot convert using a negative conversion multiplier"));
    }
    return ok(toPlainString(setScale(multiply(exact, rate), base.decimalPlaces)));
  }

  /** The end-of-day rates for the collector timestamp's UTC date, fetched once per date. */
  #ratesAt(collectorTstamp: number): Promise<Result<Rates, EnrichmentFailureMessage>> {
    const dayStart = Math.floor(collectorTstamp / DAY) * DAY;
    const date = formatTimestamp(dayStart).slice(0, 10);
    if (dayStart < OER_DATA_FROM || dayStart > this.#deps.now()) {
      // scala-forex writes the truncated ZonedDateTime in UTC.
      return Promise.resolve(
        err(oerError("ResourcesNotAvailable", `Exchange rate unavailable on the date [${date}T00:00Z[UTC]]`)),
      );
    }
    const cached = this.#rates.get(date);
    if (cached !== undefined) return Promise.resolve(ok(cached));
    let pending = this.#pending.get(date);
    if (pending === undefined) {
      pending = this.#fetchRates(date).finally(() => this.#pending.delete(date));
      this.#pending.set(date, pending);
    }
    return pending;
  }

  async #fetchRates(date: string): Promise<Result<Rates, EnrichmentFailureMessage>> {
    const { apiKey, accountType, baseCurrency } = this.#config;
    const url = new URL(`historical/${date}.json`, OPEN_EXCHANGE_RATES_API);
    url.searchParams.set("app_id", apiKey);
    // Only paid plans may choose the base; DEVELOPER rates are always relative to USD.
    if (accountType !== "DEVELOPER") url.searchParams.set("base", baseCurrency.code);
    let body: string;
    try {
      // scala-forex reads the body whatever the status: OER's errors are JSON bodies.
      body = await (await this.#deps.fetch(url, { headers: { accept: "application/json" } })).text();
    } catch (e) {
      return err(simple(`an error happened while converting the currency: ${(e as Error).message}`));
    }
    const rates = parseOerResponse(body);
    if (rates.ok) this.#rates.set(date, rates.value);
    return rates;
  }
}

/** The currency_conversion enrichment (failures are Enrich's `currency-conversion`). */
export const currencyConversionEnrichment: EnrichmentFactory = {
  name: "currency_conversion_config",
  parse: parseCurrencyConversionConfig,
  async create(parsed, deps) {
    return ok(new CurrencyConversionEnrichment(parsed as CurrencyConversionConfig, deps));
  },
};
