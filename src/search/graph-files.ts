/**
 * HNSW graphs saved in a folder beside the database, so a large catalog's graph is built once
 * rather than at every start: one file per model, named by the embedding change (seq) it
 * includes; a process loads the newest and follows the changes after its seq.
 */
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Graph } from './vectors.js';

export interface GraphFiles {
  /** The newest saved graph of a model that includes no change after `upTo`. */
  latest(modelId: string, upTo: number): { file: string; seq: number } | undefined;
  /** Saves the model's graph as of `seq`, replacing the model's older files. */
  save(modelId: string, seq: number, graph: Graph): void;
}

/** `.i8`: graphs saved before they held int8 prefixes of the vectors (`.f16`) are not loaded, but rebuilt. */
const NAME = /^(.+)\.(\d+)\.i8\.usearch$/;

/**
 * Graph files in `dir` (created on first save).
 *
 * @example const graphs = graphFiles('data/vectors')
 */
export function graphFiles(dir: string): GraphFiles {
  const saved = (modelId: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    return names.flatMap((name) => {
      const match = NAME.exec(name);
      return match && decodeURIComponent(match[1]!) === modelId ? [{ file: join(dir, name), seq: Number(match[2]) }] : [];
    });
  };
  return {
    latest(modelId, upTo) {
      return saved(modelId).filter((entry) => entry.seq <= upTo).sort((a, b) => b.seq - a.seq)[0];
    },
    save(modelId, seq, graph) {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${encodeURIComponent(modelId)}.${seq}.i8.usearch`);
      // Written aside and renamed, so another process never loads half a file.
      const partial = `${file}.${process.pid}.partial`;
      graph.save(partial);
      renameSync(partial, file);
      for (const older of saved(modelId)) if (older.seq < seq) rmSync(older.file, { force: true });
    },
  };
}
