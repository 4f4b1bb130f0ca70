/**
 * @module
 * Tests for the app's failure handling: storage that cannot be reached answers 503 and the next
 * request works again; any other exception is a logged 500. The API itself is covered by the
 * conformance suite in test/iglu.
 */
import { describe, expect, test } from "bun:test";
import { createIgluServerApp } from "./app.ts";
import { MemorySchemaStore } from "./storage/memory-store.ts";
import { StorageUnavailable } from "./storage/schema-store.ts";

describe("failures", () => {
  test("StorageUnavailable is 503 with a message, and only while it lasts", async () => {
    const store = new MemorySchemaStore();
    let down = true;
    const listSchemaKeys = store.listSchemaKeys.bind(store);
    store.listSchemaKeys = async () => {
      if (down) throw new StorageUnavailable("database unavailable: connect ECONNREFUSED");
      return listSchemaKeys();
    };
    const logged: string[] = [];
    const app = createIgluServerApp({ store, cache: false, log: (l) => logged.push(l) });
    const first = await app.request("/api/schemas");
    expect([first.status, await first.json()]).toEqual([
      503,
      { message: "The schema storage is unavailable, try again later" },
    ]);
    down = false;
    expect((await app.request("/api/schemas")).status).toBe(200);
    expect(logged).toEqual(["database unavailable: connect ECONNREFUSED"]);
  });

  test("any other exception is a bug: 500, logged with its stack", async () => {
    const store = new MemorySchemaStore();
    store.listSchemaKeys = async () => {
      throw new TypeError("boom");
    };
    const logged: string[] = [];
    const app = createIgluServerApp({ store, log: (l) => logged.push(l) });
    const res = await app.request("/api/schemas");
    expect([res.status, await res.json()]).toEqual([500, { message: "Internal server error" }]);
    expect(logged[0]).toStartWith("unexpected failure on GET /api/schemas: TypeError: boom");
  });
});
