/**
 * Which input a conversion reads ahead, and in what order. A unit (one shard)
 * asks for its input one chunk's box at a time, a few chunks ahead of the one
 * being written; on a source with latency (a BossDB cutout takes a round trip
 * and more, and `concurrency` of them run at once) every new layer of input
 * cuboids, and every new unit, would then wait that latency with the codec
 * workers idle. The read-ahead starts those reads early, up to the bytes the
 * reader may hold ahead (`BoxReader.prefetch`):
 * - the units being written first, one box of each in turn, so one unit does
 *   not take the whole read-ahead while the other waits;
 * - then the units to be taken next, in the order they will be.
 */
import type { IoOptions } from '../model/node.js';
import type { Box, BoxReader } from './box-reader.js';

interface Cursor {
  readonly boxes: readonly Box[];
  /** The first box not yet read ahead or read. */
  next: number;
}

export interface ReadAheadPlan<U> {
  /** The input boxes a unit reads, in the order it reads them. */
  boxesOf(unit: U): readonly Box[];
  readerOf(unit: U): BoxReader;
  /** The units not taken yet, in the order they will be (only the first few are looked at). */
  upcoming(): readonly U[];
}

export class ReadAhead<U> {
  readonly #plan: ReadAheadPlan<U>;
  readonly #cursors = new Map<U, Cursor>();
  readonly #running: U[] = [];
  /** How many upcoming units are looked at: their boxes are listed when first looked at. */
  readonly #lookahead: number;

  constructor(plan: ReadAheadPlan<U>, lookahead: number) {
    this.#plan = plan;
    this.#lookahead = Math.max(0, lookahead);
  }

  /** The unit is being written from now on. */
  begin(unit: U): void {
    this.#running.push(unit);
  }

  /** The unit asks for its box `index` now: the read-ahead never goes back over boxes already read. */
  reading(unit: U, index: number): void {
    const c = this.#cursor(unit);
    c.next = Math.max(c.next, index + 1);
  }

  /** The unit is written (or failed): nothing more of it is read ahead. */
  end(unit: U): void {
    const at = this.#running.indexOf(unit);
    if (at >= 0) this.#running.splice(at, 1);
    this.#cursors.delete(unit);
  }

  /** Starts reads ahead until the readers hold what they may, or nothing is left to read. */
  pump(opts: IoOptions): void {
    // The units being written, a box of each in turn.
    let turn = this.#running.filter((u) => !this.#done(u));
    while (turn.length > 0) {
      for (const u of turn) {
        const c = this.#cursor(u);
        if (!this.#plan.readerOf(u).prefetch(c.boxes[c.next], opts)) return;
        c.next++;
      }
      turn = turn.filter((u) => !this.#done(u));
    }
    // Then the next units, in order.
    for (const u of this.#plan.upcoming().slice(0, this.#lookahead)) {
      const c = this.#cursor(u);
      for (; c.next < c.boxes.length; c.next++) {
        if (!this.#plan.readerOf(u).prefetch(c.boxes[c.next], opts)) return;
      }
    }
  }

  #done(unit: U): boolean {
    const c = this.#cursor(unit);
    return c.next >= c.boxes.length;
  }

  #cursor(unit: U): Cursor {
    let c = this.#cursors.get(unit);
    if (!c) {
      c = { boxes: this.#plan.boxesOf(unit), next: 0 };
      this.#cursors.set(unit, c);
    }
    return c;
  }
}
