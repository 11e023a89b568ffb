import { basename } from 'node:path';
import { parseArxivId } from '../catalog/ids.js';
import type { PaperFields, SourceRecord, Version } from '../catalog/paper.js';
import { parseAuthors } from './authors.js';
import { eachFile } from './file-source.js';
import { readBytes } from './files.js';
import type { Source, SourceItem } from './source.js';
import { collapseWhitespace } from './text.js';

/** A `Key: value` line of the header, with its continuation lines joined. */
interface HeaderLine {
  key: string;
  value: string;
  /** 1-based line number in the file. */
  line: number;
}

const SEPARATOR = '\\\\';
const HEADER_LINE = /^([A-Za-z][\w-]*(?: \([^)]*\))?):\s*(.*)$/;
const DATE_KEY = /^Date(?: \(revised v(\d+)\))?$/;
// "Fri, 1 Jan 1999 01:01:10 GMT   (15kb)": the size in parentheses is not part of the date.
const ABS_DATE = /^(?:[A-Z][a-z]{2}, )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT\b/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// arXiv keeps earlier versions as orig/<archive>/papers/<yymm>/<number>v<N>.abs.
const FILE_VERSION = /v(\d+)\.abs(?:\.gz)?$/;
const WITHDRAWN = /\bwithdrawn\b/i;
const TEXT_FIELDS = { Comments: 'comments', 'Journal-ref': 'journalRef', DOI: 'doi', License: 'license' } as const;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads arXiv's own `.abs` metadata files: one paper per file, with every version's date, the
 * categories (primary first), comments, journal reference, DOI, licence and the withdrawn flag.
 * Folders are searched for `.abs` and `.abs.gz` files. A file under `orig/` describes the
 * version in its name (`9901001v1.abs`); any other file describes the latest version it lists.
 * A file without an id, a known id format, a title or a version date is an error at its line.
 *
 * @example for await (const item of absSource(['abs_files/'])) if ('record' in item) console.log(item.record.id)
 */
export function absSource(paths: readonly string[]): Source {
  return eachFile(paths, ['.abs', '.abs.gz'], readAbsFile);
}

async function* readAbsFile(path: string): AsyncGenerator<SourceItem> {
  yield parseAbs(decode(await readBytes(path)), path);
}

/**
 * Old `.abs` files were written in latin-1, which maps every byte to a character, so a file that
 * is not valid UTF-8 decodes as latin-1 with nothing lost.
 */
function decode(bytes: Buffer): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

/**
 * The layout: a line of dashes, `\\`, the header, `\\`, the abstract, `\\`. The abstract runs to
 * the last `\\`, because TeX in an abstract may put `\\` on a line of its own.
 */
function parseAbs(text: string, path: string): SourceItem {
  const fail = (line: number, reason: string): SourceItem => ({ error: { ref: `${path}:${line}`, reason } });
  if (text.trim() === '') return fail(1, 'empty file');
  const lines = text.split(/\r?\n/);
  const separators = lines.flatMap((line, index) => (line.trim() === SEPARATOR ? [index] : []));
  const [headerStart, headerEnd] = separators;
  const abstractEnd = separators.at(-1);
  if (headerStart === undefined || headerEnd === undefined) return fail(lines.length, 'the header is not closed by a \\\\ line (truncated file?)');
  if (abstractEnd === undefined || abstractEnd === headerEnd) return fail(lines.length, 'the abstract is not closed by a \\\\ line (truncated file?)');

  const header = readHeader(lines, headerStart + 1, headerEnd);
  const value = (key: string) => header.find((line) => line.key === key)?.value;
  const idLine = header.find((line) => line.key === 'arXiv' || line.key.startsWith('Paper'));
  if (!idLine) return fail(headerStart + 2, 'no arXiv: id line');
  const arxiv = parseArxivId(idLine.value);
  if (!arxiv) return fail(idLine.line, `unknown id format "${idLine.value}"`);
  const title = collapseWhitespace(value('Title') ?? '');
  if (!title) return fail(idLine.line, 'no Title line');

  const versions: Version[] = [];
  for (const line of header) {
    const dateKey = DATE_KEY.exec(line.key);
    if (!dateKey) continue;
    const date = parseAbsDate(line.value);
    if (!date) return fail(line.line, `unreadable date "${line.value}"`);
    versions.push({ version: Number(dateKey[1] ?? 1), date });
  }
  if (versions.length === 0) return fail(idLine.line, 'no Date line');
  const latest = versions.reduce((found, v) => (v.version > found.version ? v : found));
  const fileVersion = FILE_VERSION.exec(basename(path))?.[1];

  const comments = value('Comments');
  const fields: Partial<PaperFields> = {
    title,
    authors: parseAuthors(value('Authors') ?? ''),
    withdrawn: comments !== undefined && WITHDRAWN.test(comments),
  };
  const abstract = lines.slice(headerEnd + 1, abstractEnd).join('\n').trim();
  if (abstract) fields.abstract = abstract;
  const categories = value('Categories');
  if (categories) fields.categories = categories.split(' ');
  for (const [key, field] of Object.entries(TEXT_FIELDS)) {
    const text = value(key);
    if (text) fields[field] = text;
  }

  const record: SourceRecord = {
    source: 'abs',
    id: arxiv.id,
    version: fileVersion ? Number(fileVersion) : latest.version,
    observedAt: latest.date,
    fields,
    versions,
    ref: `${path}:${idLine.line}`,
  };
  return { record };
}

/** Header lines from `from` to `to` (0-based, exclusive); a line that starts with white space continues the one above. */
function readHeader(lines: string[], from: number, to: number): HeaderLine[] {
  const header: HeaderLine[] = [];
  let current: HeaderLine | undefined;
  for (let index = from; index < to; index += 1) {
    const line = lines[index]!;
    const match = HEADER_LINE.exec(line);
    if (current && /^\s+\S/.test(line)) {
      current.value = collapseWhitespace(`${current.value} ${line}`);
    } else if (match) {
      current = { key: match[1]!, value: collapseWhitespace(match[2]!), line: index + 1 };
      header.push(current);
    } else {
      current = undefined;
    }
  }
  return header;
}

/** "Fri, 1 Jan 1999 01:01:10 GMT   (15kb)" → "1999-01-01T01:01:10.000Z". */
function parseAbsDate(text: string): string | undefined {
  const match = ABS_DATE.exec(text);
  if (!match) return undefined;
  const [, day, month, year, hour, minute, second] = match;
  const monthIndex = MONTHS.indexOf(month!);
  if (monthIndex < 0) return undefined;
  const date = new Date(Date.UTC(Number(year), monthIndex, Number(day), Number(hour), Number(minute), Number(second)));
  // Date.UTC rolls "31 Feb" over into March; a date that does not round-trip is not a date.
  return date.getUTCDate() === Number(day) ? date.toISOString() : undefined;
}
