/**
 * @module
 * Locates `../shared` (reference data beside the repository). Tests that need it skip with a
 * message when it is absent; the core suite passes without it.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const candidate = fileURLToPath(new URL("../../../shared", import.meta.url));

/** Absolute path of `../shared`, or null when it is not there. */
export const sharedDir: string | null = existsSync(`${candidate}/reference`) ? candidate : null;

/** The reason printed when a test skips for want of `../shared`. */
export function sharedMissing(what: string): string {
  const msg = `skipped: ${what} needs ../shared (not found at ${candidate})`;
  console.warn(msg);
  return msg;
}
