/**
 * @module
 * The script of the browser-tracker test page (bundled with `Bun.build` by
 * ../browser-tracker.test.ts and run in headless Chromium). It creates two trackers of
 * @snowplow/browser-tracker against the collector named by the page's `?collector=` parameter,
 * one per emitter method, and hands the test a small API on `window.furrow` to track one kind of
 * event at a time, so the test decides the order of requests (the first one gets the `sp` cookie).
 * Every answer the emitters report is appended to the page, for the assertions and the screenshot.
 */
import {
  newTracker,
  trackPageView,
  trackSelfDescribingEvent,
  trackStructEvent,
} from "@snowplow/browser-tracker";
import { BASKET_CONTEXT, LINK_CLICK } from "./schemas.ts";

/** The tracker ids are the emitter methods. */
export type EmitterMethod = "get" | "post";
export type EventKind = "pv" | "se" | "ue";

/** One request as the emitter saw it end. */
export interface SentRequest {
  readonly tracker: EmitterMethod;
  readonly ok: boolean;
  readonly status: number | undefined;
  readonly events: number;
}

export interface TrackerPageApi {
  /** Tracks one event of `kind` with the tracker of `method`. */
  track(method: EmitterMethod, kind: EventKind): void;
  /** Requests answered so far, in order. */
  readonly sent: SentRequest[];
}

declare global {
  interface Window {
    furrow?: TrackerPageApi;
  }
}

const collector = new URLSearchParams(location.search).get("collector");
const list = document.getElementById("sent");
const sent: SentRequest[] = [];

function report(request: SentRequest): void {
  sent.push(request);
  const item = document.createElement("li");
  item.textContent = `${request.tracker.toUpperCase()} ${request.events} event(s) → ${request.status ?? "no answer"}`;
  list?.append(item);
}

if (collector === null) throw new Error("the page needs ?collector=<collector URL>");
for (const method of ["get", "post"] as const) {
  newTracker(method, collector, {
    appId: "furrow-browser-test",
    eventMethod: method,
    // GET sends each event at once; POST waits for three and sends them as one tp2 batch.
    bufferSize: method === "get" ? 1 : 3,
    contexts: { webPage: true },
    onRequestSuccess: (batch, response) =>
      report({ tracker: method, ok: true, status: response.status, events: batch.length }),
    onRequestFailure: (failure, response) =>
      report({ tracker: method, ok: false, status: response?.status, events: failure.events.length }),
  });
}

window.furrow = {
  sent,
  track(method, kind) {
    const trackers = [method];
    const context = [{ schema: BASKET_CONTEXT, data: { items: 2, currency: "EUR" } }];
    if (kind === "pv") trackPageView({ title: "Furrow browser test" }, trackers);
    else if (kind === "se") {
      trackStructEvent(
        { category: "shop", action: "add-to-basket", label: "sku-42", property: "size", value: 2 },
        trackers,
      );
    } else {
      trackSelfDescribingEvent(
        { event: { schema: LINK_CLICK, data: { targetUrl: "https://out.example/" } }, context },
        trackers,
      );
    }
  },
};
