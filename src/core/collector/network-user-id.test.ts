/** @module Tests of network user id precedence (core/Service.scala `networkUserId`). */
import { describe, expect, test } from "bun:test";
import { ANONYMOUS_NETWORK_USER_ID, presentNetworkUserId } from "./network-user-id.ts";

describe("presentNetworkUserId", () => {
  test("SP-Anonymous beats everything", () => {
    expect(presentNetworkUserId(true, "nuid=q", "sp=c", "sp")).toEqual({
      id: ANONYMOUS_NETWORK_USER_ID,
      source: "anonymous",
    });
  });

  test("then the nuid query parameter, then the cookie", () => {
    expect(presentNetworkUserId(false, "e=pv&nuid=q", "sp=c", "sp")).toEqual({ id: "q", source: "query" });
    expect(presentNetworkUserId(false, "e=pv", "sp=c", "sp")).toEqual({ id: "c", source: "cookie" });
    expect(presentNetworkUserId(false, "", "a=b; custom=c", "custom")).toEqual({ id: "c", source: "cookie" });
  });

  test("nothing present: the caller makes one up", () => {
    expect(presentNetworkUserId(false, "e=pv", undefined, "sp")).toBeUndefined();
    expect(presentNetworkUserId(false, "nuid", "other=1", "sp")).toBeUndefined();
  });
});
