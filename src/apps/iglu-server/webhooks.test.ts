/** @module Tests for webhook selection and delivery. */
import { describe, expect, test } from "bun:test";
import { parseSchemaKey } from "../../core/iglu/schema-key.ts";
import { notifySchemaPublished, webhookMatches } from "./webhooks.ts";

describe("webhooks", () => {
  test("vendorPrefixes is a plain string prefix; absent or null means every vendor", () => {
    expect(webhookMatches({ uri: "http://h" }, "com.acme")).toBe(true);
    expect(webhookMatches({ uri: "http://h", vendorPrefixes: null }, "com.acme")).toBe(true);
    expect(webhookMatches({ uri: "http://h", vendorPrefixes: ["com.ac"] }, "com.acme")).toBe(true);
    expect(webhookMatches({ uri: "http://h", vendorPrefixes: ["org", "net"] }, "com.acme")).toBe(false);
    expect(webhookMatches({ uri: "http://h", vendorPrefixes: [] }, "com.acme")).toBe(false);
  });

  test("a non-2xx answer or a failure is logged, never thrown", async () => {
    const key = parseSchemaKey("iglu:com.acme/a/jsonschema/1-0-0");
    if (!key.ok) throw new Error("key");
    const logged: string[] = [];
    const send = (async (url: string) => {
      if (url.includes("down")) throw new Error("refused");
      return new Response("no", { status: 500 });
    }) as unknown as typeof fetch;
    await notifySchemaPublished(
      [{ uri: "http://down/" }, { uri: "http://err/", usePost: true }],
      key.value,
      false,
      send,
      (l) => logged.push(l),
    );
    expect(logged.sort()).toEqual([
      "webhook http://down/ failed for iglu:com.acme/a/jsonschema/1-0-0: refused",
      "webhook http://err/ answered 500 for iglu:com.acme/a/jsonschema/1-0-0",
    ]);
  });
});
