/**
 * @module
 * The time lease logic runs on. Expiry is measured on a monotonic clock, as KCL measures it with
 * `System.nanoTime()`: a wall clock that steps backwards would make a live lease look expired.
 * Tests pass a `ManualClock` and move it, so they never sleep.
 */

/** Milliseconds on a monotonic scale; only differences between readings mean anything. */
export type Clock = () => number;

/** `performance.now()`: monotonic in every runtime Furrow supports. */
export const monotonicClock: Clock = () => performance.now();

/** A clock that moves only when told to. */
export class ManualClock {
  #now: number;

  constructor(start = 0) {
    this.#now = start;
  }

  /** The clock as a `Clock` function. */
  readonly now: Clock = () => this.#now;

  advance(ms: number): void {
    this.#now += ms;
  }
}
