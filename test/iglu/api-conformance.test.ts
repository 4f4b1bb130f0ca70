/**
 * @module
 * Runs the Iglu Server API conformance suite on the memory storage, on Postgres in embedded
 * PGlite, and on the real PostgreSQL server of the test machine (127.0.0.1:5432, database `test`;
 * skipped with a message when it does not answer). Each Postgres case gets its own namespace.
 */
import { igluApiConformance } from "./api-conformance.ts";
import { onEveryStore } from "./postgres-under-test.ts";

await onEveryStore("Iglu Server API", igluApiConformance);
