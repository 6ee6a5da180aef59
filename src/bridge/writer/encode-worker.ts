/** A codec worker thread: runs chunk tasks (downsample, pad, encode) posted by the pool. */
import { parentPort } from 'node:worker_threads';
import { type ChunkTask, runChunkTask } from './chunk-task.js';
import { collectEvery } from './gc-pressure.js';

const noteBytes = collectEvery(8 * 2 ** 20);

parentPort?.on('message', (message: { id: number; task: ChunkTask }) => {
  runChunkTask(message.task).then(
    (result) => {
      noteBytes(message.task.src.byteLength);
      // The encoded bytes, the piece and the spare input move, not copy, when each is a whole buffer of its own.
      const transfer: ArrayBuffer[] = [];
      for (const bytes of [result.encoded, result.piece, result.spare]) {
        if (!(bytes instanceof Uint8Array) || bytes.byteOffset !== 0) continue;
        if (bytes.byteLength !== bytes.buffer.byteLength || transfer.includes(bytes.buffer as ArrayBuffer)) continue;
        transfer.push(bytes.buffer as ArrayBuffer);
      }
      parentPort?.postMessage({ id: message.id, result }, transfer);
    },
    (e: unknown) => parentPort?.postMessage({ id: message.id, error: (e as Error).message ?? String(e) }),
  );
});
