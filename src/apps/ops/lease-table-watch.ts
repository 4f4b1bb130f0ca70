/**
 * @module
 * Whether a worker can still reach its lease table, seen from the calls its consumer makes anyway:
 * a {@link LeaseStore} decorator that records each call's outcome. A conditional write that fails
 * (`LeaseLost`) is an answer, so it counts as reachable; only exceptions (unreachable, throttled)
 * count as failures. The table counts as lost once calls kept failing for a whole lease duration,
 * the point where the renewer gives its leases up too (`core/leases/lease-renewer.ts`).
 */
import type { LeaseStore } from "../../ports/lease-store.ts";

export interface LeaseTableState {
  readonly reachable: boolean;
  /** Milliseconds since calls started failing; null while the last call succeeded. */
  readonly failingForMs: number | null;
  readonly lastError: string | null;
  readonly calls: number;
  readonly failures: number;
}

export class LeaseTableWatch {
  #failingSince: number | null = null;
  #lastError: string | null = null;
  #calls = 0;
  #failures = 0;

  constructor(
    /** How long failures are tolerated before the table counts as unreachable. */
    readonly toleranceMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  succeeded(): void {
    this.#calls++;
    this.#failingSince = null;
  }

  failed(error: unknown): void {
    this.#calls++;
    this.#failures++;
    this.#failingSince ??= this.now();
    this.#lastError = String(error instanceof Error ? error.message : error).split("\n")[0] ?? "";
  }

  state(): LeaseTableState {
    const failingForMs = this.#failingSince === null ? null : this.now() - this.#failingSince;
    return {
      reachable: failingForMs === null || failingForMs < this.toleranceMs,
      failingForMs,
      lastError: this.#lastError,
      calls: this.#calls,
      failures: this.#failures,
    };
  }

  /** `store`, with every call's outcome reported to this watch. */
  observe(store: LeaseStore): LeaseStore {
    const track = <T>(call: Promise<T>): Promise<T> =>
      call.then(
        (value) => {
          this.succeeded();
          return value;
        },
        (error: unknown) => {
          this.failed(error);
          throw error;
        },
      );
    return {
      listLeases: () => track(store.listLeases()),
      getLease: (key) => track(store.getLease(key)),
      createLeaseIfNotExists: (lease) => track(store.createLeaseIfNotExists(lease)),
      renewLease: (lease) => track(store.renewLease(lease)),
      takeLease: (lease, owner) => track(store.takeLease(lease, owner)),
      evictLease: (lease) => track(store.evictLease(lease)),
      checkpointLease: (lease, checkpoint) => track(store.checkpointLease(lease, checkpoint)),
      recordChildShards: (key, children) => track(store.recordChildShards(key, children)),
      deleteLease: (lease) => track(store.deleteLease(lease)),
    };
  }
}
