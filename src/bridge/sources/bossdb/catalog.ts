/**
 * The BossDB tree as catalog groups: root → collections → experiments →
 * channels, each listed lazily from BossDB and memoised. A name BossDB does
 * not list is `undefined` (missing), never an error; names outside BossDB's
 * alphabet are refused without asking it.
 */
import type { CatalogNode, GroupNode, IoOptions } from '../../model/node.js';
import { type ChannelMeta, channelImage, loadChannelMeta, type Tiling } from './channel-image.js';
import type { BossdbClient } from './client.js';
import { isBossdbError } from './errors.js';
import type { BlockLoad } from './level-array.js';
import type { Memo } from './memo.js';
import { type RetryPolicy, retry } from './retry.js';

/** BossDB's name rule (`^[a-zA-Z0-9_-]*$`, non-empty in URLs). */
const NAME = /^[\w-]+$/;

export interface CatalogContext {
  readonly client: BossdbClient;
  readonly memo: Memo;
  readonly retry: RetryPolicy;
  readonly onRetry: () => void;
  readonly tiling: Tiling;
  readonly loadBlock: BlockLoad;
  readonly encoding: string;
}

/** A memoised, retried metadata call. */
function meta<T>(ctx: CatalogContext, id: string, call: (o: IoOptions) => Promise<T>, opts: IoOptions): Promise<T> {
  return ctx.memo.get(id, (o) => retry(call, ctx.retry, o, { onRetry: ctx.onRetry }), opts);
}

/** `undefined` for BossDB's 404, the error otherwise. */
async function orMissing<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isBossdbError(e) && e.tag === 'NotFound') return undefined;
    throw e;
  }
}

function group(
  path: string,
  list: (opts: IoOptions) => Promise<string[]>,
  make: (name: string, opts: IoOptions) => Promise<CatalogNode | undefined>,
): GroupNode {
  return {
    kind: 'group',
    path,
    attrs: {},
    children: list,
    async child(name, opts) {
      if (!NAME.test(name) || !(await list(opts)).includes(name)) return undefined;
      return make(name, opts);
    },
  };
}

export function rootGroup(ctx: CatalogContext, mountPath: string): GroupNode {
  const { client } = ctx;
  const experiments = (c: string, opts: IoOptions) =>
    meta(ctx, `experiments ${c}`, (o) => client.listExperiments(c, o), opts);
  const channels = (c: string, e: string, opts: IoOptions) =>
    meta(ctx, `channels ${c}/${e}`, (o) => client.listChannels(c, e, o), opts);
  const channelMeta = (c: string, e: string, ch: string, opts: IoOptions) =>
    meta<ChannelMeta>(ctx, `image ${c}/${e}/${ch}`, (o) => loadChannelMeta(client, c, e, ch, o), opts);
  const root = group(
    mountPath,
    (opts) => meta(ctx, 'collections', (o) => client.listCollections(o), opts),
    async (c) =>
      group(
        `${mountPath}/${c}`,
        (opts) => experiments(c, opts),
        async (e) =>
          group(
            `${mountPath}/${c}/${e}`,
            (opts) => channels(c, e, opts),
            async (ch, opts) => {
              const m = await orMissing(channelMeta(c, e, ch, opts));
              if (!m) return undefined;
              const names = { c, e, ch, path: `${mountPath}/${c}/${e}/${ch}`, url: client.url };
              return channelImage(m, names, ctx.tiling, ctx.loadBlock, ctx.encoding);
            },
          ),
      ),
  );
  return {
    ...root,
    // A walk to a channel asks for every level's list and the channel's metadata at once: opening it then
    // waits on three round trips, not six (each level is still checked against its list, in order). Names
    // that are not listed cost one speculative request each, answered 404 and not kept.
    expect(names, opts) {
      const [c, e, ch] = names;
      const quietly = (p: Promise<unknown>) => void p.catch(() => undefined);
      if (c === undefined || !NAME.test(c)) return;
      quietly(experiments(c, opts));
      if (e === undefined || !NAME.test(e)) return;
      quietly(channels(c, e, opts));
      if (ch === undefined || !NAME.test(ch)) return;
      quietly(channelMeta(c, e, ch, opts));
    },
  };
}
