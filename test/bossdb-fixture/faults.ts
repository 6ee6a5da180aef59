/**
 * Switchable misbehaviour of the fixture server, changeable at runtime through
 * the mutable `settings` object, and the counters tests read back.
 */

export interface FixtureSettings {
  /** Milliseconds added before answering each affected request. */
  latencyMs: number;
  /** When set, cutouts are answered only once it settles: a test holds them to see what is asked meanwhile. */
  gate?: Promise<unknown>;
  /** Every Nth affected request (1-based count) gets a 5xx; 0 = off. */
  failEveryNth: number;
  /** Probability (0..1) of a 5xx, from a seeded PRNG (see `seed`). */
  failRate: number;
  /** The next N affected requests get a 5xx. */
  failNext: number;
  /** Status used for injected failures. */
  failStatus: 500 | 502 | 503 | 504;
  /** The next N affected requests get half their body and then: */
  truncateNext: number;
  /** `reset`: the socket is destroyed mid-body (Content-Length promised more);
   * `clean`: a well-formed chunked response whose body is simply short. */
  truncateMode: 'reset' | 'clean';
  /** The next N affected requests: the connection is destroyed before any response. */
  dropNext: number;
  /** The next N affected requests: headers and 16 bytes are sent, then nothing, ever. */
  stallNext: number;
  /** The next N affected requests get a hostile 200 body instead of the cutout: */
  hostileNext: number;
  /** `blosc-bomb`: a blosc header announcing 1 GiB; `npygz-bomb`: a zlib stream inflating to 128 MiB;
   * `endless`: a body that never ends. */
  hostileBody: 'blosc-bomb' | 'npygz-bomb' | 'endless';
  /** Which requests the faults above apply to. */
  scope: 'cutout' | 'all';
  /** Seed of the `failRate` PRNG. */
  seed: number;
  /** Tokens that read everything (BossDB's `public` token is always valid and reads public data). */
  tokens: string[];
}

export interface FixtureCounters {
  /** Every HTTP request received. */
  requests: number;
  /** Cutout requests received (whatever their fate). */
  cutoutRequests: number;
  /** Cutouts answered 200 with a complete body. */
  cutoutsServed: number;
  /** Voxels in the cutouts served. */
  voxelsServed: number;
  /** Faults injected. */
  faultsInjected: number;
  /** Concurrent cutouts being computed/sent right now, and the peak. */
  inFlight: number;
  peakInFlight: number;
}

export type Fault = 'fail' | 'truncate' | 'drop' | 'stall' | 'hostile' | undefined;

export const defaultSettings = (tokens: string[]): FixtureSettings => ({
  latencyMs: 0,
  failEveryNth: 0,
  failRate: 0,
  failNext: 0,
  failStatus: 500,
  truncateNext: 0,
  truncateMode: 'reset',
  dropNext: 0,
  stallNext: 0,
  hostileNext: 0,
  hostileBody: 'endless',
  scope: 'cutout',
  seed: 1,
  tokens,
});

export const zeroCounters = (): FixtureCounters => ({
  requests: 0,
  cutoutRequests: 0,
  cutoutsServed: 0,
  voxelsServed: 0,
  faultsInjected: 0,
  inFlight: 0,
  peakInFlight: 0,
});

/** Decides, request by request, which fault (if any) to inject. */
export class FaultPlan {
  #count = 0;
  #rng: number | undefined;

  constructor(private readonly settings: FixtureSettings) {}

  /** mulberry32, re-seeded whenever `settings.seed` changes. */
  #random(): number {
    if (this.#rng === undefined) this.#rng = this.settings.seed >>> 0;
    this.#rng = (this.#rng + 0x6d2b79f5) >>> 0;
    let r = this.#rng;
    r = Math.imul(r ^ (r >>> 15), r | 1);
    r ^= r + Math.imul(r ^ (r >>> 7), r | 61);
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  }

  reseed(): void {
    this.#rng = undefined;
    this.#count = 0;
  }

  next(isCutout: boolean): Fault {
    const s = this.settings;
    if (s.scope === 'cutout' && !isCutout) return undefined;
    this.#count++;
    if (s.dropNext > 0) {
      s.dropNext--;
      return 'drop';
    }
    if (s.stallNext > 0) {
      s.stallNext--;
      return 'stall';
    }
    if (s.hostileNext > 0) {
      s.hostileNext--;
      return 'hostile';
    }
    if (s.truncateNext > 0) {
      s.truncateNext--;
      return 'truncate';
    }
    if (s.failNext > 0) {
      s.failNext--;
      return 'fail';
    }
    if (s.failEveryNth > 0 && this.#count % s.failEveryNth === 0) return 'fail';
    if (s.failRate > 0 && this.#random() < s.failRate) return 'fail';
    return undefined;
  }
}
