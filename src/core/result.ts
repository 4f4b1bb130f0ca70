/**
 * @module
 * Expected failures are values, not exceptions. Every parser and codec in the core returns a
 * `Result`, so a bad record becomes a bad row instead of a crash.
 */

/** A success carrying `value`, or a failure carrying `error`. */
export type Result<T, E> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

/** Wraps a success. */
export const ok = <T>(value: T): { readonly ok: true; readonly value: T } => ({ ok: true, value });

/** Wraps a failure. */
export const err = <E>(error: E): { readonly ok: false; readonly error: E } => ({ ok: false, error });
