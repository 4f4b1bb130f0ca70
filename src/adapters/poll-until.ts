/**
 * @module
 * Waits for remote state to settle (a stream or table becoming ACTIVE) by polling with backoff.
 * The SDK's own waiters poll Kinesis every 10 s at first, far too slow for local engines that are
 * ready at once, yet real AWS needs tens of seconds: start at 50 ms and double up to 2 s.
 */

export interface PollOptions {
  /** Give up after this long; 5 minutes by default (AWS creates a stream in under a minute). */
  readonly timeoutMs?: number;
  /** Names what is awaited, for the timeout message. */
  readonly what: string;
}

/** Calls `check` until it returns true; throws when `timeoutMs` has passed. */
export async function pollUntil(check: () => Promise<boolean>, options: PollOptions): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  let delay = 50;
  while (!(await check())) {
    if (Date.now() + delay > deadline) throw new Error(`timed out waiting for ${options.what}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 2_000);
  }
}
