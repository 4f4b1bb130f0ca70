/**
 * @module
 * Tracker traffic with an account of every event: Snowplow's Node tracker (POST emitter, tp2,
 * batches of a few events) sends at a bounded rate on loopback, and every event id is recorded
 * three times over: when it was tracked (sent), when a request carrying it was answered 2xx
 * (accepted, with the time, from the emitter's `onRequestSuccess`), and what it was meant to become
 * (good, or a bad row: a `button_click` whose `id` is a number breaks its schema). The tracker
 * retries what was not accepted (503 from back-pressure, a refused connection) on its next flush,
 * as it does in production, and `finish` flushes until every event is accepted or a deadline. Its
 * queue has no bound here (see `unboundedEventStore`).
 */
import {
  buildPageView,
  buildSelfDescribingEvent,
  buildStructEvent,
  type EventStore,
  type EventStorePayload,
  newTracker,
  type Tracker,
} from "@snowplow/node-tracker";

/**
 * The tracker's queue of events not yet acknowledged, without a bound. The tracker's own in-memory
 * store keeps 1000 events and drops the oldest beyond that, which a long outage overruns at 100
 * events/s; this suite measures the pipeline, so the tracker keeps everything.
 */
function unboundedEventStore(): EventStore {
  const store: EventStorePayload[] = [];
  return {
    count: async () => store.length,
    add: async (payload) => store.push(payload),
    removeHead: async (count) => {
      store.splice(0, count);
    },
    iterator: () => {
      const events = [...store];
      let index = 0;
      return {
        next: async () =>
          index < events.length ? { value: events[index++], done: false } : { value: undefined, done: true },
      };
    },
    getAll: async () => [...store],
    getAllPayloads: async () => store.map((e) => e.payload),
  };
}

/** Cached by the apps during the warm-up; valid or broken on purpose. */
export const BUTTON_CLICK = "iglu:com.furrow.example/button_click/jsonschema/1-0-2";
/** Never used before the Iglu scenario, so no resolver has it cached. */
export const CHECKOUT = "iglu:com.furrow.example/checkout/jsonschema/1-0-0";

export type Expected = "good" | "bad";

/** The kinds of event sent; `checkout` only where a scenario asks for schemas nobody cached. */
export type EventKind = "page_view" | "struct" | "button_click" | "broken_button_click" | "checkout";

export interface TrafficOptions {
  /** The app_id of every event: the scenario's name, so each scenario's events can be told apart. */
  readonly appId: string;
  readonly collectorPort: number;
  /** Events per second. */
  readonly rate: number;
  /** Share of events meant to become bad rows, in [0, 1]. */
  readonly badShare?: number;
}

export interface Traffic {
  /** Event id → what it should become, in the order tracked. */
  readonly sent: Map<string, Expected>;
  /** Event id → when (performance.now()) a request carrying it was first answered 2xx. */
  readonly accepted: Map<string, number>;
  /** Requests answered other than 2xx, or not answered at all. */
  readonly failedRequests: number;
  /** Tracks `count` events of `kind` (or the default mix when absent) now. */
  send(count: number, kind?: EventKind): void;
  /** Sends the default mix at the rate for `ms`. */
  run(ms: number): Promise<void>;
  /** Flushes until every sent event was accepted, or `timeoutMs` passed; true when all were. */
  finish(timeoutMs: number): Promise<boolean>;
}

export function startTraffic(options: TrafficOptions): Traffic {
  const sent = new Map<string, Expected>();
  const accepted = new Map<string, number>();
  let failedRequests = 0;
  const badShare = options.badShare ?? 0.1;
  const tracker: Tracker = newTracker(
    { namespace: `rel-${options.appId}`, appId: options.appId, encodeBase64: false },
    {
      endpoint: "127.0.0.1",
      port: options.collectorPort,
      protocol: "http",
      eventMethod: "post",
      bufferSize: 5,
      connectionTimeout: 5_000,
      eventStore: unboundedEventStore(),
      onRequestSuccess: (events) => {
        const now = performance.now();
        for (const e of events) {
          const id = String(e["eid"]);
          if (!accepted.has(id)) accepted.set(id, now);
        }
      },
      onRequestFailure: () => {
        failedRequests++;
      },
    },
  );

  let n = 0;
  const track = (kind: EventKind): void => {
    n++;
    const built =
      kind === "page_view"
        ? buildPageView({ pageUrl: `https://shop.example/${options.appId}/${n}`, pageTitle: "Reliability" })
        : kind === "struct"
          ? buildStructEvent({ category: "reliability", action: options.appId, label: String(n) })
          : kind === "button_click"
            ? buildSelfDescribingEvent({
                event: { schema: BUTTON_CLICK, data: { id: `b-${n}`, label: "ok" } },
              })
            : kind === "broken_button_click"
              ? // `id` must be a string: a schema violation, so a bad row with this event's id.
                buildSelfDescribingEvent({ event: { schema: BUTTON_CLICK, data: { id: n } } })
              : buildSelfDescribingEvent({
                  event: { schema: CHECKOUT, data: { order_id: `o-${n}`, total: n } },
                });
    const payload = tracker.track(built);
    const id = payload?.["eid"];
    if (typeof id !== "string") throw new Error("the tracker built no event id");
    sent.set(id, kind === "broken_button_click" ? "bad" : "good");
  };
  const MIX: EventKind[] = ["page_view", "struct", "button_click"];
  const nextKind = (): EventKind =>
    (n * 0.618033988749895) % 1 < badShare ? "broken_button_click" : MIX[n % MIX.length]!;

  return {
    sent,
    accepted,
    get failedRequests() {
      return failedRequests;
    },
    send(count, kind) {
      for (let i = 0; i < count; i++) track(kind ?? nextKind());
    },
    async run(ms) {
      // Every 50 ms, what the rate owes for the time elapsed (so a late tick catches up, and the
      // rate holds on a loaded machine); the emitter posts every 5 events.
      const started = performance.now();
      let tracked = 0;
      for (let elapsed = 0; elapsed < ms; elapsed = performance.now() - started) {
        const due = Math.floor((options.rate * elapsed) / 1000);
        for (; tracked < due; tracked++) track(nextKind());
        await Bun.sleep(50);
      }
    },
    async finish(timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        await tracker.flush();
        if ([...sent.keys()].every((id) => accepted.has(id))) return true;
        if (performance.now() > deadline) return false;
        await Bun.sleep(200);
      }
    },
  };
}
