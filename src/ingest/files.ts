import { createReadStream } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream';
import { gunzipSync, createGunzip } from 'node:zlib';
import { PaperfeedError } from '../errors.js';

/** Told how many bytes of the input files have been read, for progress bars. */
export interface ReadProgress {
  onRead(bytes: number): void;
}

// Larger than the 16 KiB default, as each chunk costs a round trip to zlib's thread and a few
// callbacks whatever its size; small enough that the text decoded from one chunk (two bytes a
// character at worst) stays an ordinary heap object, which V8 frees young, and not a large one,
// which waits for a full collection and so raises peak memory.
const READ_CHUNK_BYTES = 64 * 1024;
const GUNZIP_CHUNK_BYTES = 32 * 1024;

/** Opens a file for streaming, decompressing `.gz` transparently. */
export function openStream(path: string, progress?: ReadProgress): NodeJS.ReadableStream {
  const raw = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  if (progress) raw.on('data', (chunk) => progress.onRead(chunk.length));
  if (!path.endsWith('.gz')) return raw;
  const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
  pipeline(raw, gunzip, () => undefined); // a failure on either side reaches the reader through gunzip
  return gunzip;
}

/**
 * Yields the lines of a (possibly gzipped) text file with their 1-based numbers, streaming, so
 * a 4.5 GB snapshot goes through in constant memory.
 */
export async function* readLines(path: string, progress?: ReadProgress): AsyncGenerator<{ line: string; number: number }> {
  await assertReadable(path);
  const lines = createInterface({ input: openStream(path, progress), crlfDelay: Infinity });
  let number = 0;
  try {
    for await (const line of lines) {
      number += 1;
      yield { line, number };
    }
  } catch (error) {
    throw new PaperfeedError('bad_input', `${path}:${number + 1}: cannot read: ${(error as Error).message}`, { ref: `${path}:${number + 1}` });
  }
}

/** Reads a whole (possibly gzipped) file as bytes; for formats that come one small document per file. */
export async function readBytes(path: string, progress?: ReadProgress): Promise<Buffer> {
  await assertReadable(path);
  const bytes = await readFile(path);
  progress?.onRead(bytes.length);
  return path.endsWith('.gz') ? gunzipSync(bytes) : bytes;
}

/** Expands the paths given on the command line: a folder means the files below it with these endings, sorted. */
export async function expandPaths(paths: readonly string[], endings: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new PaperfeedError('usage', `${path}: no such file or folder`);
    if (info.isDirectory()) files.push(...(await walk(path, endings)));
    else files.push(path);
  }
  return files;
}

async function walk(dir: string, endings: readonly string[]): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(path, endings)));
    else if (endings.some((ending) => entry.name.endsWith(ending))) found.push(path);
  }
  return found;
}

async function assertReadable(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info || !info.isFile()) throw new PaperfeedError('usage', `${path}: no such file`);
}
