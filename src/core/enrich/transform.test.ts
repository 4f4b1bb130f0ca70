/** @module Tests of the parameter mapping (Enrich's Transform), one rule at a time. */
import { describe, expect, test } from "bun:test";
import type { RawEvent } from "../badrows/payload.ts";
import { emptyEnrichedEvent } from "../event/enriched-event.ts";
import { base64url } from "./test-records.test-support.ts";
import { EVENT_TYPES, mapParameters, PLATFORMS } from "./transform.ts";

function raw(params: [string, string | null][]): RawEvent {
  return {
    vendor: "com.snowplowanalytics.snowplow",
    version: "tp2",
    parameters: params.map(([name, value]) => ({ name, value })),
    contentType: null,
    loaderName: "ssc",
    encoding: "UTF-8",
    hostname: null,
    timestamp: new Date(0),
    ipAddress: null,
    useragent: null,
    refererUri: null,
    headers: [],
    userId: null,
  };
}

function map(params: Record<string, string | null>) {
  const event = emptyEnrichedEvent();
  const result = mapParameters(raw(Object.entries(params)), event);
  return { event, ...result };
}

describe("mapParameters", () => {
  test("maps string parameters TSV-safe, empty to null", () => {
    const { event, errors } = map({
      aid: "shop",
      uid: "user\t1",
      duid: "d",
      nuid: "n",
      ua: "agent\r\n",
      fp: "123",
      tna: "sp1",
      tv: "js-3.23.0",
      cv: "ssc-x",
      lang: "en-GB",
      cd: "24",
      tz: "Europe/London",
      refr: "https://ref.example/",
      url: "https://page.example/",
      page: "Title",
      cs: "UTF-8",
      tr_cu: "EUR",
      ti_cu: "GBP",
      se_ca: "",
    });
    expect(errors).toEqual([]);
    expect(event).toMatchObject({
      app_id: "shop",
      user_id: "user    1",
      domain_userid: "d",
      network_userid: "n",
      useragent: "agent",
      user_fingerprint: "123",
      name_tracker: "sp1",
      v_tracker: "js-3.23.0",
      v_collector: "ssc-x",
      br_lang: "en-GB",
      br_colordepth: "24",
      os_timezone: "Europe/London",
      page_referrer: "https://ref.example/",
      page_url: "https://page.example/",
      page_title: "Title",
      doc_charset: "UTF-8",
      tr_currency: "EUR",
      ti_currency: "GBP",
      se_category: null,
    });
  });

  test("maps every event code, and rejects others", () => {
    for (const [code, type] of Object.entries(EVENT_TYPES)) expect(map({ e: code }).event.event).toBe(type);
    expect(EVENT_TYPES["ev"]).toBe("struct");
    expect(map({ e: "xx" }).errors).toEqual([
      { message: "Not a valid event type", field: "e", value: "xx", keyword: "atomic_field_parse_error" },
    ]);
  });

  test("accepts the nine platforms only", () => {
    for (const p of PLATFORMS) expect(map({ p }).event.platform).toBe(p);
    expect(map({ p: "WEB" }).errors[0]).toMatchObject({
      message: "Not a valid platform",
      field: "p",
      value: "WEB",
    });
  });

  test("reads Java ints, 'null' as none", () => {
    const { event, errors } = map({
      tid: "028288",
      vid: "3",
      ti_qu: "-2",
      pp_mix: "0",
      pp_max: "null",
      pp_miy: "NULL",
      pp_may: "5",
    });
    expect(errors).toEqual([]);
    expect(event).toMatchObject({
      txn_id: 28288,
      domain_sessionidx: 3,
      ti_quantity: -2,
      pp_xoffset_min: 0,
      pp_xoffset_max: null,
      pp_yoffset_min: null,
      pp_yoffset_max: 5,
    });
    for (const bad of ["1.5", "2147483648", "", "x"]) {
      expect(map({ tid: bad }).errors).toEqual([
        {
          message: "Cannot be converted to java.lang.Integer",
          field: "tid",
          value: bad,
          keyword: "atomic_field_parse_error",
        },
      ]);
    }
  });

  test("reads decimals as Java BigDecimal text, legacy ev_* too", () => {
    const { event, errors } = map({
      se_va: "1E7",
      tr_tt: "28.50",
      tr_tx: "0.0000001",
      tr_sh: "null",
      ti_pr: "-4.75",
      ev_va: "8000",
    });
    expect(errors).toEqual([]);
    expect(event).toMatchObject({
      se_value: "8000",
      tr_total: "28.50",
      tr_tax: "1E-7",
      tr_shipping: null,
      ti_price: "-4.75",
    });
    const bad = map({ tr_tt: "12,50" }).errors[0]!;
    expect(bad.field).toBe("tr_tt");
    expect(bad.message).toContain("Cannot be converted to java.math.BigDecimal. Error : ");
  });

  test("reads epoch-millisecond timestamps within years 0–9999", () => {
    const { event, errors } = map({ dtm: "1718000000001", stm: "+1718000000500", ttm: "0" });
    expect(errors).toEqual([]);
    expect(event).toMatchObject({
      dvce_created_tstamp: 1718000000001,
      dvce_sent_tstamp: 1718000000500,
      true_tstamp: 0,
    });
    expect(map({ dtm: "2024-06-10" }).errors[0]).toMatchObject({
      message: "Not in the expected format: ms since epoch",
      field: "dtm",
    });
    expect(map({ stm: "253402300800000" }).errors[0]).toMatchObject({
      message: "Formatting as 10000-01-01 00:00:00.000 is not Redshift-compatible",
      field: "stm",
    });
    expect(map({ ttm: "-62167219200001" }).errors[0]!.message).toBe(
      "Formatting as -0001-12-31 23:59:59.999 is not Redshift-compatible",
    );
    expect(map({ ttm: "99999999999999999999999" }).errors[0]!.message).toBe(
      "Not in the expected format: ms since epoch",
    );
  });

  test("reads WIDTHxHEIGHT dimensions", () => {
    const { event } = map({ res: "2560x1440", vp: "1440x789", ds: "1425x4210" });
    expect(event).toMatchObject({
      dvce_screenwidth: 2560,
      dvce_screenheight: 1440,
      br_viewwidth: 1440,
      br_viewheight: 789,
      doc_width: 1425,
      doc_height: 4210,
    });
    expect(map({ res: "2560 x 1440" }).errors[0]!.message).toBe("Does not conform to regex (\\d+)x(\\d+)");
    expect(map({ vp: "99999999999x1" }).errors[0]!.message).toBe(
      "Could not be converted to java.lang.Integer s",
    );
  });

  test("reads the browser feature flags and cookie as 1/0", () => {
    const flags = {
      f_pdf: "1",
      f_fla: "0",
      f_java: "1",
      f_dir: "0",
      f_qt: "1",
      f_realp: "0",
      f_wma: "1",
      f_gears: "0",
      f_ag: "1",
      cookie: "1",
    };
    const { event, errors } = map(flags);
    expect(errors).toEqual([]);
    expect(event).toMatchObject({
      br_features_pdf: true,
      br_features_flash: false,
      br_features_java: true,
      br_features_director: false,
      br_features_quicktime: true,
      br_features_realplayer: false,
      br_features_windowsmedia: true,
      br_features_gears: false,
      br_features_silverlight: true,
      br_cookies: true,
    });
    expect(map({ cookie: "true" }).errors[0]!.message).toBe(
      "Cannot be converted to Boolean-like java.lang.Byte",
    );
  });

  test("requires canonical UUIDs for eid and sid, lower-cased", () => {
    const { event } = map({
      eid: "B3E9A1C2-5D4F-4E6A-8B7C-900000000001",
      sid: "0d9a7f2e-3c1b-4e5d-9f8a-6b2c1d0e3f4a",
    });
    expect(event.event_id).toBe("b3e9a1c2-5d4f-4e6a-8b7c-900000000001");
    expect(event.domain_sessionid).toBe("0d9a7f2e-3c1b-4e5d-9f8a-6b2c1d0e3f4a");
    expect(map({ eid: "1-2-3-4-5" }).errors[0]).toMatchObject({ message: "Not a valid UUID", field: "eid" });
  });

  test("keeps the first IP of a list, and lets tnuid win over nuid", () => {
    expect(map({ ip: "203.0.113.7, 10.0.0.1" }).event.user_ipaddress).toBe("203.0.113.7");
    expect(map({ ip: "2001:db8::1|x" }).event.user_ipaddress).toBe("2001:db8::1");
    expect(map({ tnuid: "third", nuid: "first" }).event.network_userid).toBe("third");
    expect(map({ nuid: "first", tnuid: "" }).event.network_userid).toBeNull();
  });

  test("maps structured-event and ecommerce fields, ti_nm and legacy ti_na", () => {
    const { event } = map({
      se_ac: "add",
      se_la: "shirt",
      se_pr: "blue",
      ev_ca: "legacy",
      tr_id: "o1",
      tr_af: "web",
      tr_ci: "Leeds",
      tr_st: "Yorks",
      tr_co: "UK",
      ti_id: "o1",
      ti_sk: "sku",
      ti_na: "old",
      ti_ca: "shirts",
    });
    expect(event).toMatchObject({
      se_action: "add",
      se_label: "shirt",
      se_property: "blue",
      se_category: "legacy",
      tr_orderid: "o1",
      tr_affiliation: "web",
      tr_city: "Leeds",
      tr_state: "Yorks",
      tr_country: "UK",
      ti_orderid: "o1",
      ti_sku: "sku",
      ti_name: "old",
      ti_category: "shirts",
    });
    expect(map({ ti_nm: "new" }).event.ti_name).toBe("new");
  });

  test("leaves co/cx and ue_pr/ue_px as JSON text for Iglu validation, base64 decoded", () => {
    const co = '{"schema":"x","data":[]}';
    expect(map({ co }).contexts).toBe(co);
    expect(map({ cx: base64url(co) }).contexts).toBe(co);
    expect(map({ ue_pr: co }).unstruct).toBe(co);
    expect(map({ ue_px: base64url(co) }).unstruct).toBe(co);
    expect(map({ e: "pv" }).contexts).toBeNull();
  });

  test("ignores unknown parameters and parameters without a value", () => {
    const { event, errors } = map({ nope: "1", e: null, tid: null, aid: "a" });
    expect(errors).toEqual([]);
    expect(event.event).toBeNull();
    expect(event.app_id).toBe("a");
  });

  test("reports every bad parameter at once", () => {
    const { errors } = map({ e: "zz", tid: "x", dtm: "y", res: "z" });
    expect(errors.map((e) => e.field)).toEqual(["e", "tid", "dtm", "res"]);
  });
});
