/** @module Tests of validating an event's self-describing JSONs through the resolver. */
import { describe, expect, test } from "bun:test";
import { testResolver } from "../../../test/support/enrich-test-resolver.ts";
import { resolutionError } from "../iglu/client-error.ts";
import {
  isSystemError,
  validateContexts,
  validateEntities,
  validateUnstructEvent,
} from "./iglu-validation.ts";
import { contexts, unstruct } from "./test-records.test-support.ts";

const resolver = testResolver();
const PAGE = "iglu:com.furrow.example/page_context/jsonschema/1-0-0";
const ID = "e4b3c2d1-0f9e-4d8c-b7a6-5f4e3d2c1b0a";

describe("Iglu validation of an event's JSON", () => {
  test("the unstructured event: its wrapper, then the event", async () => {
    const ok = await validateUnstructEvent(resolver, unstruct({ schema: PAGE, data: { id: ID } }), 50);
    expect(ok).toEqual({
      failures: [],
      value: { sdj: { schema: PAGE, data: { id: ID } }, validationInfo: null },
    });
    const bad = await validateUnstructEvent(resolver, unstruct({ schema: PAGE, data: { id: 1 } }), 50);
    expect(bad.value).toBeNull();
    expect(bad.failures[0]).toMatchObject({
      source: "unstruct",
      data: { id: 1 },
      violation: { kind: "IgluError" },
    });
  });

  test("contexts: each invalid one dropped on its own", async () => {
    const r = await validateContexts(
      resolver,
      contexts(
        { schema: PAGE, data: { id: ID } },
        { schema: PAGE, data: {} },
        { schema: "not an Iglu URI", data: {} },
      ),
      50,
    );
    expect(r.value.map((v) => v.sdj.data)).toEqual([{ id: ID }]);
    expect(r.failures.map((f) => f.violation.kind)).toEqual(["IgluError", "NotIglu"]);
  });

  test("entities in memory validate synchronously once their schemas are cached", async () => {
    const entities = [{ schema: PAGE, data: { id: ID } }];
    const first = validateEntities(resolver, entities, "derived_contexts");
    await first;
    const second = validateEntities(resolver, entities, "derived_contexts");
    expect(second).not.toBeInstanceOf(Promise);
    expect(second).toEqual({ failures: [], value: [{ sdj: entities[0]!, validationInfo: null }] });
  });

  test("only a registry that could not be asked is a system error", () => {
    const at = new Date(0);
    expect(
      isSystemError(
        resolutionError([{ repository: "a", errors: [{ kind: "NotFound" }], attempts: 1, lastAttempt: at }]),
      ),
    ).toBe(false);
    expect(
      isSystemError(
        resolutionError([
          {
            repository: "a",
            errors: [{ kind: "RepoFailure", message: "down" }],
            attempts: 1,
            lastAttempt: at,
          },
        ]),
      ),
    ).toBe(true);
    expect(
      isSystemError(
        resolutionError([
          {
            repository: "a",
            errors: [{ kind: "ClientFailure", message: "403" }],
            attempts: 1,
            lastAttempt: at,
          },
        ]),
      ),
    ).toBe(true);
  });
});
