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
  return group(
    mountPath,
    (opts) => meta(ctx, 'collections', (o) => client.listCollections(o), opts),
    async (c) =>
      group(
        `${mountPath}/${c}`,
        (opts) => meta(ctx, `experiments ${c}`, (o) => client.listExperiments(c, o), opts),
        async (e) =>
          group(
            `${mountPath}/${c}/${e}`,
            (opts) => meta(ctx, `channels ${c}/${e}`, (o) => client.listChannels(c, e, o), opts),
            async (ch, opts) => {
              const m = await orMissing(
                meta<ChannelMeta>(ctx, `image ${c}/${e}/${ch}`, (o) => loadChannelMeta(client, c, e, ch, o), opts),
              );
              if (!m) return undefined;
              const names = { c, e, ch, path: `${mountPath}/${c}/${e}/${ch}`, url: client.url };
              return channelImage(m, names, ctx.tiling, ctx.loadBlock, ctx.encoding);
            },
          ),
      ),
  );
}
