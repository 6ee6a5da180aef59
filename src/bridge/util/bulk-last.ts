/**
 * The order of reads waiting for a slot (BossDB's cutouts in flight, the decode workers): the first that is
 * not bulk (`IoOptions.bulk`: a conversion's or an export's), else the first bulk one, so a viewer never waits
 * behind an export's queue. `bulk` is read now, when the slot frees: a load a viewer has joined since it was
 * queued (a coalesced read) counts as the viewer's.
 */
import type { IoOptions } from '../model/node.js';

/** Removes and returns the next waiting entry of `queue`; undefined when it is empty. */
export function takeNext<T>(queue: T[], io: (entry: T) => IoOptions): T | undefined {
  if (queue.length === 0) return undefined;
  const urgent = queue.findIndex((entry) => !io(entry).bulk);
  return queue.splice(urgent >= 0 ? urgent : 0, 1)[0];
}
