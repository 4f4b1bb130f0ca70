/**
 * @module
 * ISO 4217 currencies as joda-money's `CurrencyUnit` knows them (its `CurrencyData.csv`): the
 * codes Snowplow's currency conversion accepts, and each one's decimal places, which set the scale
 * of converted amounts (2 for EUR, 0 for JPY, 3 for KWD). Codes are case-sensitive, and the metals
 * and funds with no minor unit (XAU, XDR…) count as 0 places, as `getDecimalPlaces()` reports them.
 * Historic currencies (DEM, FRF…) are kept, as joda-money keeps them.
 */

const BY_PLACES: Readonly<Record<number, string>> = {
  0:
    "ADP BEF BIF BYR CLP DJF ESP GNF GRD ISK ITL JPY KMF KRW LUF PYG PTE RWF UGX UYI VND VUV XAF XOF XPF " +
    "XAG XAU XBA XBB XBC XBD XDR XEU XFU XPD XPT XSU XTS XUA XXX",
  2:
    "AED AFN ALL AMD ANG AOA ARS ATS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD " +
    "CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CYP CZK DEM DKK DOP DZD EEK EGP ERN ETB EUR FIM FJD FKP FRF " +
    "GBP GEL GHS GIP GMD GTQ GYD HKD HNL HRK HTG HUF IDR IEP ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP " +
    "LKR LRD LSL LTL LVL MAD MDL MGA MKD MMK MNT MOP MRO MRU MTL MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NLG " +
    "NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB RUR SAR SBD SCR SDG SEK SGD SHP SIT SKK SLE SLL SOS " +
    "SRD SSP STD STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VEF VES WST XCD XCG YER " +
    "ZAR ZMW ZWG ZWL",
  3: "BHD IQD JOD KWD LYD OMR TND",
  4: "CLF",
};

const DECIMAL_PLACES: ReadonlyMap<string, number> = new Map(
  Object.entries(BY_PLACES).flatMap(([places, codes]) =>
    codes.split(" ").map((code) => [code, Number(places)] as const),
  ),
);

/** A currency joda-money knows. */
export interface CurrencyUnit {
  readonly code: string;
  readonly decimalPlaces: number;
}

/**
 * The currency for a code, or joda-money's message for an unknown one (`Unknown currency 'RUP'`).
 *
 * @example currencyUnit("JPY") // { ok: true, value: { code: "JPY", decimalPlaces: 0 } }
 */
export function currencyUnit(code: string): { ok: true; value: CurrencyUnit } | { ok: false; error: string } {
  const decimalPlaces = DECIMAL_PLACES.get(code);
  if (decimalPlaces === undefined) return { ok: false, error: `Unknown currency '${code}'` };
  return { ok: true, value: { code, decimalPlaces } };
}
