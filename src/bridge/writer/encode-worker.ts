/** A codec worker thread: runs chunk tasks (downsample, pad, encode) posted by the pool. */
import { parentPort } from 'node:worker_threads';
import { type ChunkTask, runChunkTask } from './chunk-task.js';
import { collectEvery } from './gc-pressure.js';

const noteBytes = collectEvery(8 * 2 ** 20);

parentPort?.on('message', (message: { id: number; task: ChunkTask }) => {
  runChunkTask(message.task).then(
    (result) => {
      noteBytes(message.task.src.byteLength);
      // The encoded bytes move, not copy (a fresh buffer unless the codec handed back its input).
      const transfer = result && result.byteOffset === 0 && result.byteLength === result.buffer.byteLength;
      parentPort?.postMessage({ id: message.id, result }, transfer ? [result.buffer as ArrayBuffer] : []);
    },
    (e: unknown) => parentPort?.postMessage({ id: message.id, error: (e as Error).message ?? String(e) }),
  );
});
