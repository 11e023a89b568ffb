import { expandPaths } from './files.js';
import type { SourceItem } from './source.js';

/**
 * Runs `read` over the given files and over the files with these endings below the given
 * folders, one file at a time, so that a folder of any size goes through in the memory of its
 * largest file.
 *
 * @example eachFile(['responses/'], ['.json', '.json.gz'], readResponse)
 */
export async function* eachFile(
  paths: readonly string[],
  endings: readonly string[],
  read: (path: string) => AsyncIterable<SourceItem>,
): AsyncGenerator<SourceItem> {
  for (const path of await expandPaths(paths, endings)) yield* read(path);
}
