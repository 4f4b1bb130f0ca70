/**
 * @module
 * The in-memory lease store against the lease store conformance suite.
 */
import { describeLeaseStore } from "../../ports/lease-store.conformance.ts";
import { MemoryLeaseStore } from "./lease-store.ts";

describeLeaseStore("memory", async () => ({ store: new MemoryLeaseStore(), close: async () => {} }));
