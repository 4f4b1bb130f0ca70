/**
 * @module
 * The adapter registry (Enrich's `AdapterRegistry`): adapters by (vendor, version), and the bad row
 * a payload becomes when its adapter fails. An unknown vendor/version is an adapter_failures row;
 * failures of the tracker protocol adapters (`com.snowplowanalytics.snowplow/tp2` and `r/tp2`) are
 * tracker_protocol_violations, every other adapter's adapter_failures.
 */
import {
  type AdapterFailures,
  adapterFailures,
  type TrackerProtocolViolations,
  trackerProtocolViolations,
} from "../../badrows/bad-row.ts";
import {
  type AdapterFailure,
  inputData,
  type TrackerProtocolViolation,
} from "../../badrows/failure-message.ts";
import type { RawEvent } from "../../badrows/payload.ts";
import type { Processor } from "../../badrows/processor.ts";
import type { NonEmpty } from "../../iglu/client-error.ts";
import { err, type Result } from "../../result.ts";
import type { RawCollectorPayload } from "../thrift-loader.ts";
import type { Adapted, Adapter, AdapterContext, AdapterMessage } from "./adapter.ts";
import { igluAdapter } from "./iglu.ts";
import { mailchimpAdapter } from "./mailchimp.ts";
import { mailgunAdapter } from "./mailgun.ts";
import { pagerdutyAdapter } from "./pagerduty.ts";
import { pingdomAdapter } from "./pingdom.ts";
import { redirectAdapter } from "./redirect.ts";
import { sendgridAdapter } from "./sendgrid.ts";
import { statusgatorAdapter } from "./statusgator.ts";
import { tp1Adapter } from "./tp1.ts";
import { tp2Adapter } from "./tp2.ts";

/** Every adapter Furrow has. */
export const ADAPTERS: readonly Adapter[] = [
  tp1Adapter,
  tp2Adapter,
  redirectAdapter,
  igluAdapter,
  mailchimpAdapter,
  mailgunAdapter,
  pagerdutyAdapter,
  pingdomAdapter,
  sendgridAdapter,
  statusgatorAdapter,
];

/** The bad row of a payload no adapter could read. */
export type AdapterBadRow = AdapterFailures | TrackerProtocolViolations;

/** Whether failures of this vendor/version are tracker-protocol violations. */
export function isTrackerProtocol(vendor: string, version: string): boolean {
  return version === "tp2" && (vendor === "com.snowplowanalytics.snowplow" || vendor === "r");
}

const key = (vendor: string, version: string) => `${vendor}\u0000${version}`;

/** Adapters looked up by the vendor and version of a request path. */
export class AdapterRegistry {
  readonly #adapters = new Map<string, Adapter>();

  constructor(adapters: readonly Adapter[] = ADAPTERS) {
    for (const a of adapters) this.#adapters.set(key(a.vendor, a.version), a);
  }

  /** The adapter for a vendor/version, if there is one. */
  get(vendor: string, version: string): Adapter | undefined {
    return this.#adapters.get(key(vendor, version));
  }

  /**
   * The raw events of a payload, or its one bad row. Resolves synchronously (without a promise)
   * unless the adapter has to wait for Iglu.
   */
  toRawEvents(
    payload: RawCollectorPayload,
    context: AdapterContext,
    processor: Processor,
    etlTstamp: Date,
  ): Result<NonEmpty<RawEvent>, AdapterBadRow> | Promise<Result<NonEmpty<RawEvent>, AdapterBadRow>> {
    const adapter = this.get(payload.vendor, payload.version);
    const finish = (adapted: Adapted): Result<NonEmpty<RawEvent>, AdapterBadRow> =>
      adapted.ok ? adapted : err(adapterBadRow(payload, adapted.error, processor, etlTstamp));
    if (adapter === undefined) {
      const value = `${payload.vendor}/${payload.version}`;
      return finish(err([inputData("vendor/version", value, "vendor/version combination is not supported")]));
    }
    const adapted = adapter.toRawEvents(payload, context);
    return adapted instanceof Promise ? adapted.then(finish) : finish(adapted);
  }
}

/** The bad row for an adapter's failure messages (Enrich's `AdapterRegistry.enrichFailure`). */
export function adapterBadRow(
  payload: RawCollectorPayload,
  messages: NonEmpty<AdapterMessage>,
  processor: Processor,
  etlTstamp: Date,
): AdapterBadRow {
  const { vendor, version } = payload;
  if (isTrackerProtocol(vendor, version)) {
    const failure = {
      timestamp: etlTstamp,
      vendor,
      version,
      messages: messages as NonEmpty<TrackerProtocolViolation>,
    };
    return trackerProtocolViolations(processor, failure, payload);
  }
  const failure = { timestamp: etlTstamp, vendor, version, messages: messages as NonEmpty<AdapterFailure> };
  return adapterFailures(processor, failure, payload);
}
