// A WatchDeclarationEvents stream read in the background, remembering which declarations it has
// seen an ACCEPTED event for, so the scenario can wait (bounded) until its submissions show up.
import { setTimeout as delay } from "node:timers/promises";
import { DeclarationEventType } from "./gen/exchange/declaration/v1/declaration_event_pb";
import type { ExchangeClient } from "./exchange-client";

export class AcceptedEventWatch {
  private readonly accepted = new Set<string>();
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
  static open(client: ExchangeClient, parent: string): AcceptedEventWatch {
    return new AcceptedEventWatch(client, parent);
  }

  /**
   * Waits until an ACCEPTED event has arrived for every declaration in `names`, or until
   * `timeoutMs` has passed. Returns how many of them have had their event. Throws if the
   * stream failed.
   */
  async waitForAccepted(names: readonly string[], timeoutMs: number): Promise<number> {
    const timeout = new AbortController();
    const expired = delay(timeoutMs, "expired", { signal: timeout.signal }).catch(() => "cancelled");
    try {
      for (;;) {
        const seen = names.filter((name) => this.accepted.has(name)).length;
        if (this.failure !== undefined) {
          throw this.failure;
        }
        if (seen === names.length || this.ended) {
          return seen;
        }
        if ((await Promise.race([this.changed.then(() => "changed"), expired])) === "expired") {
          return names.filter((name) => this.accepted.has(name)).length;
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
