/** A byte budget shared by the chunks in flight: a task waits until its bytes fit. */
export class MemoryBudget {
  readonly #capacity: number;
  #used = 0;
  readonly #waiting: { bytes: number; go: () => void }[] = [];

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Waits for `bytes` (a task larger than the whole budget runs alone). */
  async acquire(bytes: number): Promise<void> {
    if (this.#fits(bytes) && this.#waiting.length === 0) {
      this.#used += bytes;
      return;
    }
    await new Promise<void>((go) => this.#waiting.push({ bytes, go }));
  }

  release(bytes: number): void {
    this.#used -= bytes;
    while (this.#waiting.length > 0 && this.#fits(this.#waiting[0].bytes)) {
      const next = this.#waiting.shift()!;
      this.#used += next.bytes;
      next.go();
    }
  }

  #fits(bytes: number): boolean {
    return this.#used === 0 || this.#used + bytes <= this.#capacity;
  }
}
