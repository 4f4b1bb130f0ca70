/**
 * @module
 * Headless Chromium for the browser tests: Debian's `/usr/bin/chromium` driven by playwright-core,
 * started with the flags this machine needs (no sandbox as root, no background networking on a
 * closed network); Playwright gives every launch a new empty profile. When it is missing a test
 * fails if `CI` is set (CI installs it: .ci/run) and is skipped with a printed reason otherwise.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";
/** Headless, as root without a sandbox, and without background networking on a closed network. */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const UNDER_CI = (process.env.CI ?? "") !== "";

/** True when there is no Chromium to launch. */
export const CHROMIUM_MISSING = !existsSync(CHROMIUM);
export const CHROMIUM_MISSING_MESSAGE = `Chromium not found at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium)`;

/** Where the browser tests save screenshots (git-ignored). */
export const TEST_ARTIFACTS = join(import.meta.dir, "../../.furrow/test-artifacts");

/**
 * Whether the browser tests of `testFile` are skipped: Chromium is missing and this is not CI.
 * Says so on the console when they are.
 */
export function skipWithoutChromium(testFile: string): boolean {
  const skip = CHROMIUM_MISSING && !UNDER_CI;
  if (skip) console.warn(`${testFile} skipped: ${CHROMIUM_MISSING_MESSAGE}`);
  return skip;
}

/** A headless Chromium; throws when it is missing (under CI, where it must be there). */
export function launchChromium(): Promise<Browser> {
  if (CHROMIUM_MISSING) throw new Error(CHROMIUM_MISSING_MESSAGE);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
