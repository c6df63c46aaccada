// A WatchDeclarationEvents stream read in the background, remembering which declarations it has
// seen an ACCEPTED event for, and the disposition of each DISPOSED event, so the scenario can wait
// (bounded) until its submissions and an officer's disposition show up on the filer's stream.
import { setTimeout as delay } from "node:timers/promises";
import { DeclarationEventType } from "./gen/exchange/declaration/v1/declaration_event_pb";
import type { Disposition } from "./gen/exchange/declaration/v1/disposition_pb";
import type { ExchangeClient } from "./exchange-client";

export class DeclarationEventWatch {
  private readonly accepted = new Set<string>();
  /** The disposition carried by each DISPOSED event, by declaration name. */
  private readonly disposed = new Map<string, Disposition>();
  private readonly abort = new AbortController();
  private readonly finished: Promise<void>;
  private failure: unknown = undefined;
  private ended = false;
  private changed!: Promise<void>;
  private signalChange!: () => void;

  private constructor(client: ExchangeClient, parent: string) {
    this.resetChange();
    this.finished = this.read(client, parent);
  }

  /**
   * Opens the watch with include_history: the node first replays the filer's retained events,
   * then follows new ones, so nothing submitted after this call can be missed.
   */
  static open(client: ExchangeClient, parent: string): DeclarationEventWatch {
    return new DeclarationEventWatch(client, parent);
  }

  /**
   * Waits until an ACCEPTED event has arrived for every declaration in `names`, or until
   * `timeoutMs` has passed. Returns how many of them have had their event. Throws if the
   * stream failed.
   */
  async waitForAccepted(names: readonly string[], timeoutMs: number): Promise<number> {
    await this.waitUntil(() => names.every((name) => this.accepted.has(name)), timeoutMs);
    return names.filter((name) => this.accepted.has(name)).length;
  }

  /**
   * Waits until the DISPOSED event of the declaration `name` has arrived, or until `timeoutMs`
   * has passed. Returns the event's disposition, or undefined if it did not come in time.
   * Throws if the stream failed.
   */
  async waitForDisposed(name: string, timeoutMs: number): Promise<Disposition | undefined> {
    await this.waitUntil(() => this.disposed.has(name), timeoutMs);
    return this.disposed.get(name);
  }

  /** Waits until `done()` holds, the stream ends, or `timeoutMs` passes; throws if the stream failed. */
  private async waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
    const timeout = new AbortController();
    const expired = delay(timeoutMs, "expired", { signal: timeout.signal }).catch(() => "cancelled");
    try {
      for (;;) {
        if (this.failure !== undefined) {
          throw this.failure;
        }
        if (done() || this.ended) {
          return;
        }
        if ((await Promise.race([this.changed.then(() => "changed"), expired])) === "expired") {
          return;
        }
      }
    } finally {
      timeout.abort();
    }
  }

  /** Ends the watch (the client cancels the call) and waits until the stream is closed. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.finished;
  }

  private async read(client: ExchangeClient, parent: string): Promise<void> {
    try {
      const events = client.watchDeclarationEvents({ parent, includeHistory: true }, { signal: this.abort.signal });
      for await (const { event } of events) {
        if (event?.type === DeclarationEventType.ACCEPTED) {
          this.accepted.add(event.declaration);
          this.notify();
        } else if (event?.type === DeclarationEventType.DISPOSED && event.disposition !== undefined) {
          this.disposed.set(event.declaration, event.disposition);
          this.notify();
        }
      }
    } catch (error) {
      if (!this.abort.signal.aborted) {
        this.failure = error;
      }
    }
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    const signal = this.signalChange;
    this.resetChange();
    signal();
  }

  private resetChange(): void {
    this.changed = new Promise<void>((resolve) => {
      this.signalChange = resolve;
    });
  }
}
