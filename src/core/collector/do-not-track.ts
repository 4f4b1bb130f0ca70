/**
 * @module
 * The do-not-track cookie (Snowplow `doNotTrackCookie`): when the request carries a cookie with
 * this name whose whole value matches the configured regular expression (Java `Matcher.matches`,
 * a full match), the collector records nothing and sets no cookie, yet answers as usual so the
 * page cannot tell. Sites set the cookie from their consent banner.
 */
import { cookieValue } from "./request-cookie.ts";

/** Snowplow's `doNotTrackCookie` settings. */
export interface DoNotTrackCookieSettings {
  readonly enabled: boolean;
  readonly name: string;
  /** A regular expression the whole cookie value must match. */
  readonly value: string;
}

export const DEFAULT_DO_NOT_TRACK_COOKIE_SETTINGS: DoNotTrackCookieSettings = {
  enabled: false,
  name: "",
  value: "",
};

/** Tells whether a request's `Cookie` header opts out; compiled once from the settings. */
export type DoNotTrackMatcher = (cookieHeader: string | undefined) => boolean;

/**
 * Compiles the settings. Throws `SyntaxError` for a value that is not a valid regular expression
 * (config validation reports it).
 *
 * @example
 * const dnt = doNotTrackMatcher({ enabled: true, name: "dnt", value: "1|yes" });
 * dnt("dnt=yes; sp=…") // true
 * dnt("dnt=yesplease") // false: the whole value must match
 */
export function doNotTrackMatcher(settings: DoNotTrackCookieSettings): DoNotTrackMatcher {
  if (!settings.enabled) return () => false;
  const pattern = new RegExp(`^(?:${settings.value})$`);
  return (header) => {
    const value = cookieValue(header, settings.name);
    return value !== undefined && pattern.test(value);
  };
}
