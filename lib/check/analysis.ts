/**
 * Analyze calls for each resource, sent while the program still registers them: `tokenguard check`
 * hands each resource to the pack as it arrives instead of after the program has ended, so the
 * pack's work overlaps the program's (at 10,000 tokens the Analyze calls alone take seconds).
 * Resources queue until the pack is ready; a few calls are in flight at a time, as the engine
 * keeps them; results keep the order the resources arrived in.
 */
import type { Violation } from "./analyzer-client";
import type { EngineResource } from "./engine-view";

/** The one call this queue makes of an analyzer. */
export interface Analyzer {
  analyze(resource: EngineResource): Promise<Violation[]>;
}

/** How many Analyze calls are in flight at once. */
export const ANALYZE_CONCURRENCY = 8;

export class StreamedAnalysis {
  private readonly queue: EngineResource[] = [];
  private readonly results: Violation[][] = [];
  private analyzer?: Analyzer;
  private next = 0;
  private running = 0;
  private done = 0;
  private closed = false;
  private failure?: { error: unknown };
  private settle?: () => void;

  /**
   * @param onProgress called after each call once {@link close} has been called (the total is
   *   known only then), so a progress line shows the program's registrations until it ends.
   * @param onFailure called once, on the first failed call (e.g. to stop the program early).
   */
  constructor(
    private readonly onProgress?: (done: number, total: number) => void,
    private readonly onFailure?: (error: unknown) => void,
  ) {}

  /** Queues a resource; read resources (`analyze: false`) are analyzed only with the stack. */
  add(resource: EngineResource): void {
    if (!resource.analyze) return;
    this.queue.push(resource);
    this.pump();
  }

  /** Starts sending the queued resources, and every later one, to `analyzer`. */
  start(analyzer: Analyzer): void {
    this.analyzer = analyzer;
    this.pump();
  }

  /** No more resources will come: resolves with every resource's violations, each on its URN. */
  close(): Promise<Violation[]> {
    this.closed = true;
    return new Promise<void>((resolve) => {
      this.settle = resolve;
      this.pump();
    }).then(() => {
      if (this.failure) throw this.failure.error;
      return this.results.flat();
    });
  }

  private pump(): void {
    const analyzer = this.analyzer;
    while (
      analyzer &&
      !this.failure &&
      this.running < ANALYZE_CONCURRENCY &&
      this.next < this.queue.length
    ) {
      const i = this.next++;
      const resource = this.queue[i];
      this.running++;
      analyzer
        .analyze(resource)
        .then(
          // The engine reports a resource's violations on that resource.
          (vs) => {
            this.results[i] = vs.map((v) => ({ ...v, urn: resource.urn }));
            this.done++;
            if (this.closed) this.onProgress?.(this.done, this.queue.length);
          },
          (error: unknown) => {
            if (this.failure) return;
            this.failure = { error };
            this.onFailure?.(error);
          },
        )
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
    const finished = this.failure
      ? this.running === 0
      : this.next === this.queue.length && this.running === 0;
    if (this.closed && finished && this.settle) {
      const settle = this.settle;
      this.settle = undefined;
      settle();
    }
  }
}
