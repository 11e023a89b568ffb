/**
 * The thread that trains and codes while an IVF index is built (see ivf-builder.ts): k-means and
 * coding a catalog take minutes of CPU at millions of papers, which would otherwise hold up the
 * server's event loop. It keeps no state beyond the quantizer it last trained.
 */
import { parentPort } from 'node:worker_threads';
import { codeVectors, trainQuantizer, type CodedVectors, type Quantizer } from './ivf-index.js';

/** What the builder asks of the thread. */
export type CoderRequest =
  | { op: 'train'; sample: Float32Array; dims: number; lists: number }
  | { op: 'code'; vectors: Float32Array };

/** Each request's answer, by the request's op. */
export interface CoderReply {
  train: Quantizer;
  code: CodedVectors;
}

let quantizer: Quantizer | undefined;

parentPort!.on('message', ({ id, request }: { id: number; request: CoderRequest }) => {
  try {
    if (request.op === 'train') {
      quantizer = trainQuantizer(request.sample, request.dims, request.lists);
      parentPort!.postMessage({ id, result: quantizer });
    } else {
      if (!quantizer) throw new Error('code before train');
      const coded = codeVectors(quantizer, request.vectors);
      parentPort!.postMessage({ id, result: coded }, [coded.lists.buffer as ArrayBuffer, coded.codes.buffer as ArrayBuffer]);
    }
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
