/**
 * @module
 * Where the resolver gets its time. Cache TTLs, retry backoff and `lastAttempt` all read the clock,
 * and HTTP retries wait on it, so tests drive a {@link ManualClock} instead of sleeping (as
 * iglu-scala-client's own specs drive a static `Clock`).
 */

/** Epoch milliseconds, and a way to wait. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock's time. */
  sleep(ms: number): Promise<void>;
}

// One reading of the wall clock per synchronous run of code: it is reused until the next microtask
// checkpoint. Reading the clock costs about as much as a compiled validation of a small context
// (some 50 ns under Bun), and a batch of events validated in one go needs one "now", not one each.
let reading: number | undefined;
const forgetReading = (): void => {
  reading = undefined;
};

/**
 * The wall clock. `now()` is read once per synchronous stretch of code (until the next microtask
 * checkpoint), which is precise enough for cache TTLs and backoff of seconds.
 */
export const systemClock: Clock = {
  now: () => {
    if (reading === undefined) {
      reading = Date.now();
      queueMicrotask(forgetReading);
    }
    return reading;
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A clock that moves only when told to. `sleep` advances it at once, so code that waits between
 * retries runs instantly and the waits can still be asserted.
 *
 * @example
 * const clock = new ManualClock(Date.UTC(2024, 0, 1));
 * clock.advance(600); // 600 ms later
 */
export class ManualClock implements Clock {
  #now: number;
  /** Every `sleep` requested, in order. */
  readonly slept: number[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Moves the clock forward. */
  advance(ms: number): void {
    this.#now += ms;
  }

  sleep(ms: number): Promise<void> {
    this.slept.push(ms);
    this.#now += ms;
    return Promise.resolve();
  }
}
