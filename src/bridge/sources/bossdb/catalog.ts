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
  prefetch?: (name: string, opts: IoOptions) => Promise<unknown>,
): GroupNode {
  return {
    kind: 'group',
    path,
    attrs: {},
    children: list,
    async child(name, opts) {
      if (!NAME.test(name)) return undefined;
      // What the child will ask BossDB for first is asked for while this level's list is checked: opening
      // collection/experiment/channel then waits on three round trips, not six. A name that is not listed
      // costs one speculative request, answered 404 and not kept.
      prefetch?.(name, opts).catch(() => undefined);
      if (!(await list(opts)).includes(name)) return undefined;
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
  return group(
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
            (ch, opts) => channelMeta(c, e, ch, opts),
          ),
        (e, opts) => channels(c, e, opts),
      ),
    (c, opts) => experiments(c, opts),
  );
}
