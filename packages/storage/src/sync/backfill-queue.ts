// The order in which a fresh device downloads its conversations' messages:
// the stored queue, with the conversations the user asked for moved to the
// front (the one asked for last goes first). Only what is done leaves it,
// so the stored form always lists every conversation not yet complete.
import type { BootstrapProgress } from '../types.js';

export class BackfillQueue {
  private readonly order: string[];
  private readonly waiting: Set<string>;
  readonly total: number;

  constructor(progress: BootstrapProgress) {
    this.order = [...new Set(progress.queue)];
    this.waiting = new Set(this.order);
    this.total = Math.max(progress.total, this.order.length);
  }

  get remaining(): number {
    return this.order.length;
  }

  get done(): number {
    return this.total - this.order.length;
  }

  has(conversationId: string): boolean {
    return this.waiting.has(conversationId);
  }

  /** The next `count` conversations, in download order. */
  upcoming(count: number): string[] {
    return this.order.slice(0, count);
  }

  /** Moves a queued conversation to the front; false when it is not queued (already downloaded). */
  prioritize(conversationId: string): boolean {
    if (!this.waiting.has(conversationId)) return false;
    const at = this.order.indexOf(conversationId);
    if (at > 0) {
      this.order.splice(at, 1);
      this.order.unshift(conversationId);
    }
    return true;
  }

  complete(conversationIds: readonly string[]): void {
    const finished = new Set(conversationIds.filter((id) => this.waiting.delete(id)));
    if (finished.size === 0) return;
    const kept = this.order.filter((id) => !finished.has(id));
    this.order.splice(0, this.order.length, ...kept);
  }

  /**
   * What to store once `finishing` are complete too (none by default):
   * undefined once every conversation is downloaded.
   */
  progress(finishing: readonly string[] = []): BootstrapProgress | undefined {
    const left = new Set(finishing);
    const queue = left.size === 0 ? [...this.order] : this.order.filter((id) => !left.has(id));
    return queue.length === 0 ? undefined : { stage: 'messages', queue, total: this.total };
  }
}
