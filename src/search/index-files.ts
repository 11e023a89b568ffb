/**
 * Vector indexes saved in a folder beside the database, so a large catalog's index is built once
 * rather than at every start: one file per model, named by the embedding change (seq) it
 * includes; a process loads the newest and follows the changes after its seq.
 */
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface IndexFiles {
  /** The newest saved index of a model that includes no change after `upTo`. */
  latest(modelId: string, upTo: number): { file: string; seq: number } | undefined;
  /** Saves the model's index as of `seq` by `write(file)`, replacing the model's older files. */
  save(modelId: string, seq: number, write: (file: string) => void): void;
}

/**
 * A saved index: `<model>.<seq>.ivfpq`. The HNSW graphs saved before (`.i8.usearch`,
 * `.f16.usearch`) are never loaded, and go at the model's next save.
 */
const NAME = /^(.+)\.(\d+)\.(ivfpq|i8\.usearch|f16\.usearch)$/;

/**
 * Index files in `dir` (created on first save).
 *
 * @example const indexes = indexFiles('data/vectors')
 */
export function indexFiles(dir: string): IndexFiles {
  /** The model's files, with their seq and whether they are indexes of today's kind. */
  const saved = (modelId: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    return names.flatMap((name) => {
      const match = NAME.exec(name);
      return match && decodeURIComponent(match[1]!) === modelId ? [{ file: join(dir, name), seq: Number(match[2]), current: match[3] === 'ivfpq' }] : [];
    });
  };
  return {
    latest(modelId, upTo) {
      const files = saved(modelId).filter((entry) => entry.current && entry.seq <= upTo).sort((a, b) => b.seq - a.seq);
      return files[0] && { file: files[0].file, seq: files[0].seq };
    },
    save(modelId, seq, write) {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${encodeURIComponent(modelId)}.${seq}.ivfpq`);
      // Written aside and renamed, so another process never loads half a file.
      const partial = `${file}.${process.pid}.partial`;
      write(partial);
      renameSync(partial, file);
      for (const other of saved(modelId)) if (other.seq < seq || !other.current) rmSync(other.file, { force: true });
    },
  };
}
