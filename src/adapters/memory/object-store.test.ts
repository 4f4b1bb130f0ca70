/** @module The in-memory object store against the object store conformance suite. */
import { describeObjectStore } from "../../ports/object-store.conformance.ts";
import { MemoryObjectStore } from "./object-store.ts";

describeObjectStore("memory", async () => ({ store: new MemoryObjectStore(), close: async () => {} }));
