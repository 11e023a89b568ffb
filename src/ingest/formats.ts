import { stat } from 'node:fs/promises';
import { PaperfeedError } from '../errors.js';
import { absSource } from './abs.js';
import { arxivApiFiles } from './arxiv-api.js';
import { dailyJsonl } from './daily-jsonl.js';
import { hfDailySource } from './hf-daily.js';
import { listingSource } from './listing.js';
import { oaiPmhFiles } from './oai-pmh.js';
import { expandPaths } from './files.js';
import { snapshot } from './snapshot.js';
import { FORMATS, type FileSource, type Format } from './source.js';

/** Each import format's file source and the file endings it reads from a folder. */
const FILE_SOURCES: Record<Format, { open: FileSource; endings: readonly string[] }> = {
  snapshot: { open: snapshot, endings: ['.json', '.jsonl', '.json.gz', '.jsonl.gz'] },
  'daily-jsonl': { open: dailyJsonl, endings: ['.jsonl', '.jsonl.gz'] },
  'oai-pmh': { open: oaiPmhFiles, endings: ['.xml', '.xml.gz'] },
  'arxiv-api': { open: arxivApiFiles, endings: ['.xml', '.xml.gz'] },
  'hf-daily': { open: hfDailySource, endings: ['.json', '.json.gz'] },
  abs: { open: absSource, endings: ['.abs'] },
  listing: { open: listingSource, endings: ['.txt', '.txt.gz'] },
};

/** Parses `--format`; an unknown name is a usage error listing the known ones. */
export function parseFormat(name: string | undefined): Format {
  if (name && (FORMATS as readonly string[]).includes(name)) return name as Format;
  throw new PaperfeedError('usage', `--format: ${name ? `unknown format "${name}"` : 'missing'}; use one of ${FORMATS.join(', ')}`);
}

/** Opens a format's source over files and folders, and tells how many input bytes there are, for progress. */
export async function openFileSource(format: Format, paths: readonly string[]) {
  const entry = FILE_SOURCES[format];
  const files = await expandPaths(paths, entry.endings);
  let totalBytes = 0;
  for (const file of files) totalBytes += (await stat(file)).size;
  return { files, totalBytes, open: entry.open };
}
