/**
 * @module
 * The leases a worker holds, kept alive: KCL's `DynamoDBLeaseRenewer`. Every renewer interval each
 * held lease is renewed (a conditional counter increment); a failed condition means another worker
 * took it, and it is dropped at once. A lease whose renewals keep failing for a whole lease duration
 * (the store is unreachable) is treated as lost too, and not renewed again: by then other workers
 * may consider it expired and take it, so processing it further could duplicate their work.
 *
 * Writes to one lease are serialized. A renewal and a checkpoint both expect the current counter, so
 * if they raced, the loser would mistake the winner's increment for a theft (KCL synchronizes on
 * the lease object for the same reason).
 *
 * Each holding gets a fresh concurrency token (KCL `addLeasesToRenew`); checkpoints must present
 * it, so a shard processor that outlived an earlier holding of the same lease cannot checkpoint.
 */
import type { Checkpoint, Lease, LeaseStore, LeaseWrite } from "../../ports/lease-store.ts";
import { leaseLost } from "../../ports/lease-store.ts";
import type { Clock } from "./clock.ts";

export interface HeldLease {
  readonly lease: Lease;
  readonly concurrencyToken: string;
  /** Local time of the last successful write (renewal, take or checkpoint), taken before sending it. */
  readonly lastRenewal: number;
}

export interface LeaseRenewerOptions {
  readonly workerId: string;
  readonly leaseDurationMs: number;
  /** Makes concurrency tokens; `crypto.randomUUID` by default. */
  readonly newToken?: () => string;
}

/** What one renewal round did. */
export interface RenewalRound {
  readonly renewed: readonly string[];
  /** Taken by another worker, deleted, or expired locally after failed renewals. */
  readonly lost: readonly string[];
  /** Renewals that failed with an error; the lease is kept until it expires locally. */
  readonly failed: readonly { readonly leaseKey: string; readonly error: unknown }[];
}

interface Holding {
  lease: Lease;
  readonly concurrencyToken: string;
  lastRenewal: number;
}

export class LeaseRenewer {
  readonly #held = new Map<string, Holding>();
  readonly #queues = new Map<string, Promise<unknown>>();
  readonly #newToken: () => string;

  constructor(
    private readonly store: LeaseStore,
    private readonly options: LeaseRenewerOptions,
    private readonly clock: Clock,
  ) {
    this.#newToken = options.newToken ?? (() => crypto.randomUUID());
  }

  /** Runs `write` after every earlier write to `leaseKey` has settled. */
  #serially<T>(leaseKey: string, write: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(leaseKey) ?? Promise.resolve();
    const next = previous.then(write, write);
    const settled = next.then(
      () => {},
      () => {},
    );
    this.#queues.set(leaseKey, settled);
    void settled.then(() => {
      if (this.#queues.get(leaseKey) === settled) this.#queues.delete(leaseKey);
    });
    return next;
  }

  #expired(holding: Holding, now: number): boolean {
    return now - holding.lastRenewal > this.options.leaseDurationMs;
  }

  #drop(leaseKey: string, holding: Holding): void {
    if (this.#held.get(leaseKey) === holding) this.#held.delete(leaseKey);
  }

  /** Starts holding freshly taken leases, each with a new concurrency token. */
  addLeases(taken: readonly { readonly lease: Lease; readonly takenAt: number }[]): HeldLease[] {
    return taken.map(({ lease, takenAt }) => {
      const holding: Holding = { lease, concurrencyToken: this.#newToken(), lastRenewal: takenAt };
      this.#held.set(lease.leaseKey, holding);
      return { ...holding };
    });
  }

  /**
   * Adopts leases this worker already owns in `leases` (a restart under the same worker id), by
   * renewing each even if it looks expired: it is not ours until the renewal succeeds (KCL
   * `DynamoDBLeaseRenewer.initialize`).
   */
  async initialize(leases: readonly Lease[]): Promise<HeldLease[]> {
    const adopted: HeldLease[] = [];
    for (const lease of leases) {
      if (lease.leaseOwner !== this.options.workerId || this.#held.has(lease.leaseKey)) continue;
      const sentAt = this.clock();
      const result = await this.store.renewLease(lease);
      if (result.ok) adopted.push(...this.addLeases([{ lease: result.value, takenAt: sentAt }]));
    }
    return adopted;
  }

  /** The held leases that have not expired locally. */
  heldLeases(): HeldLease[] {
    const now = this.clock();
    return [...this.#held.values()].filter((h) => !this.#expired(h, now)).map((h) => ({ ...h }));
  }

  /** The lease if held and not expired locally, and, given a token, held under that token. */
  heldLease(leaseKey: string, concurrencyToken?: string): HeldLease | null {
    const holding = this.#held.get(leaseKey);
    if (!holding || this.#expired(holding, this.clock())) return null;
    if (concurrencyToken !== undefined && holding.concurrencyToken !== concurrencyToken) return null;
    return { ...holding };
  }

  /** Renews every held lease, concurrently. */
  async renewLeases(): Promise<RenewalRound> {
    const renewed: string[] = [];
    const lost: string[] = [];
    const failed: { leaseKey: string; error: unknown }[] = [];
    await Promise.all(
      [...this.#held.keys()].map((leaseKey) =>
        this.#serially(leaseKey, async () => {
          const holding = this.#held.get(leaseKey);
          if (!holding) return;
          const sentAt = this.clock();
          if (this.#expired(holding, sentAt)) {
            this.#drop(leaseKey, holding);
            lost.push(leaseKey);
            return;
          }
          try {
            const result = await this.store.renewLease(holding.lease);
            if (result.ok) {
              holding.lease = result.value;
              holding.lastRenewal = sentAt;
              renewed.push(leaseKey);
            } else {
              this.#drop(leaseKey, holding);
              lost.push(leaseKey);
            }
          } catch (error) {
            failed.push({ leaseKey, error });
          }
        }),
      ),
    );
    return { renewed, lost, failed };
  }

  /**
   * Writes `checkpoint` to a held lease. Lost if the lease is not held under `concurrencyToken`, has
   * expired locally, or the conditional write fails (the lease is then dropped). Rejects when the
   * store fails; the lease is kept and the caller may try again.
   */
  checkpoint(leaseKey: string, concurrencyToken: string, checkpoint: Checkpoint): Promise<LeaseWrite> {
    return this.#serially(leaseKey, async () => {
      const holding = this.#held.get(leaseKey);
      const sentAt = this.clock();
      if (!holding || holding.concurrencyToken !== concurrencyToken || this.#expired(holding, sentAt)) {
        return leaseLost(leaseKey);
      }
      const result = await this.store.checkpointLease(holding.lease, checkpoint);
      if (result.ok) {
        holding.lease = result.value;
        holding.lastRenewal = sentAt;
      } else {
        this.#drop(leaseKey, holding);
      }
      return result;
    });
  }

  /**
   * Deletes a held lease (cleanup of a finished shard) and stops holding it. False if it was not
   * held under the token or the conditional delete failed.
   */
  deleteLease(leaseKey: string, concurrencyToken: string): Promise<boolean> {
    return this.#serially(leaseKey, async () => {
      const holding = this.#held.get(leaseKey);
      if (!holding || holding.concurrencyToken !== concurrencyToken) return false;
      const result = await this.store.deleteLease(holding.lease);
      this.#drop(leaseKey, holding);
      return result.ok;
    });
  }

  /**
   * Gives every held lease back (graceful shutdown): each is evicted, so other workers can take it
   * at their next scan instead of waiting for it to expire. Returns the keys evicted; a lease that
   * could not be evicted simply expires.
   */
  async evictLeases(): Promise<string[]> {
    const evicted: string[] = [];
    await Promise.all(
      [...this.#held.keys()].map((leaseKey) =>
        this.#serially(leaseKey, async () => {
          const holding = this.#held.get(leaseKey);
          if (!holding) return;
          this.#drop(leaseKey, holding);
          try {
            if ((await this.store.evictLease(holding.lease)).ok) evicted.push(leaseKey);
          } catch {
            // Unreachable store: the lease expires on its own after one lease duration.
          }
        }),
      ),
    );
    return evicted;
  }
}
