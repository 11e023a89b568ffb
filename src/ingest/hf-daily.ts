import { basename } from 'node:path';
import { z } from 'zod';
import { parseArxivId } from '../catalog/ids.js';
import type { PaperFields, Signal, SourceRecord } from '../catalog/paper.js';
import { eachFile } from './file-source.js';
import { readBytes } from './files.js';
import { parsePythonLiteral } from './python-literal.js';
import type { Source, SourceItem } from './source.js';
import { collapseWhitespace } from './text.js';

// Only the fields paperfeed uses; the rest of Hugging Face's drifting schema passes unchecked.
const DailyItem = z.object({
  paper: z.object({
    id: z.string(),
    title: z.string().nullish(),
    summary: z.string().nullish(),
    authors: z.array(z.object({ name: z.string().nullish() })).nullish(),
    publishedAt: z.iso.datetime().nullish(),
    submittedOnDailyAt: z.iso.datetime().nullish(),
    upvotes: z.number().nullish(),
    githubRepo: z.string().nullish(),
    githubStars: z.number().nullish(),
    ai_keywords: z.array(z.string()).nullish(),
  }),
  title: z.string().nullish(),
  summary: z.string().nullish(),
  numComments: z.number().nullish(),
});
type DailyItem = z.infer<typeof DailyItem>;

// Most responses are a bare array; some are wrapped as {status, date, count, data}.
const DailyResponse = z.union([
  z.array(z.unknown()),
  z.object({ date: z.string().optional(), data: z.array(z.unknown()) }),
]);

const FILE_DATE = /^(\d{4}-\d{2}-\d{2})\.json(?:\.gz)?$/;

/**
 * Reads saved responses of Hugging Face's `/api/daily_papers?date=YYYY-MM-DD`, one file per day
 * named by that day (folders are searched for `.json` and `.json.gz`). Each listed paper becomes a
 * record observed at the start of that day, with its upvotes, comments and GitHub stars as signals
 * and the day it was featured. Items that are Python `repr()` strings instead of objects, as in
 * responses from December 2024, are parsed as Python literals.
 *
 * A bad item is an error at `path#index` (0-based position in the file's list) and the rest of the
 * file goes on; a file that is not JSON is one error at `path:line`.
 *
 * @example for await (const item of hfDailySource(['responses/2025-01-10.json'])) console.log(item)
 */
export function hfDailySource(paths: readonly string[]): Source {
  return eachFile(paths, ['.json', '.json.gz'], readResponseFile);
}

async function* readResponseFile(path: string): AsyncGenerator<SourceItem> {
  // JSON.parse rejects a byte-order mark, which some editors and tools write when saving a response.
  const text = (await readBytes(path)).toString('utf8').replace(/^\uFEFF/, '');
  yield* hfDailyResponse(text, path, FILE_DATE.exec(basename(path))?.[1]);
}

/**
 * One `/api/daily_papers` response as records, as {@link hfDailySource} reads a saved one: `ref`
 * names it in errors, `day` (YYYY-MM-DD) is the day it lists when the response does not say.
 *
 * @example for await (const item of hfDailyResponse(body, url, '2025-01-10')) console.log(item)
 */
export async function* hfDailyResponse(text: string, ref: string, day: string | undefined): AsyncGenerator<SourceItem> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    yield { error: describeJsonError(ref, text, error as SyntaxError) };
    return;
  }
  const response = DailyResponse.safeParse(json);
  if (!response.success) {
    yield { error: { ref, reason: 'expected a JSON array of papers or an object with a "data" array' } };
    return;
  }
  const items = Array.isArray(response.data) ? response.data : response.data.data;
  const listed = day ?? (Array.isArray(response.data) ? undefined : response.data.date);
  const observedAt = listed === undefined ? undefined : startOfDay(listed);
  if (!observedAt) {
    yield { error: { ref, reason: 'no date: name the file YYYY-MM-DD.json after the day it lists' } };
    return;
  }
  for (const [index, raw] of items.entries()) yield toRecord(raw, `${ref}#${index}`, observedAt);
}

function toRecord(raw: unknown, ref: string, observedAt: string): SourceItem {
  const fail = (reason: string): SourceItem => ({ error: { ref, reason } });
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = parsePythonLiteral(raw);
    } catch (error) {
      return fail(`unparsable Python repr: ${(error as Error).message}`);
    }
  }
  const parsed = DailyItem.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return fail(`${issue.path.join('.') || 'item'}: ${issue.message}`);
  }
  const item = parsed.data;
  const { paper } = item;
  const arxiv = parseArxivId(paper.id);
  if (!arxiv) return fail(`unknown id format "${paper.id.slice(0, 80)}"`);
  const title = collapseWhitespace(paper.title ?? item.title ?? '');
  if (!title) return fail('no title');

  const record: SourceRecord = {
    source: 'hf-daily',
    id: arxiv.id,
    observedAt,
    fields: fieldsOf(item, title),
    featuredAt: paper.submittedOnDailyAt ?? observedAt,
    signals: signalsOf(item, observedAt),
    ref,
  };
  if (arxiv.version !== undefined) record.version = arxiv.version;
  if (paper.publishedAt) record.versions = [{ version: 1, date: paper.publishedAt }];
  return { record };
}

/** Titles lose their line breaks as arXiv's own do; abstracts stay exactly as sent. */
function fieldsOf({ paper, summary }: DailyItem, title: string): Partial<PaperFields> {
  const fields: Partial<PaperFields> = { title };
  const abstract = paper.summary ?? summary;
  if (abstract) fields.abstract = abstract;
  const authors = (paper.authors ?? []).flatMap(({ name }) => (name ? [{ name: collapseWhitespace(name) }] : []));
  if (authors.length > 0) fields.authors = authors;
  if (paper.githubRepo) fields.codeUrl = paper.githubRepo;
  if (paper.ai_keywords) fields.keywords = paper.ai_keywords;
  return fields;
}

function signalsOf({ paper, numComments }: DailyItem, observedAt: string): Omit<Signal, 'paperId'>[] {
  const counts: [Signal['kind'], number | null | undefined][] = [
    ['upvotes', paper.upvotes],
    ['comments', numComments],
    ['github_stars', paper.githubStars],
  ];
  return counts.flatMap(([kind, value]) => (value == null ? [] : [{ source: 'hf', kind, value, observedAt }]));
}

/** "2025-01-10" → "2025-01-10T00:00:00.000Z", or undefined for a day that does not exist. */
function startOfDay(day: string): string | undefined {
  const date = new Date(`${day}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(day) ? date.toISOString() : undefined;
}

/** Names the line and column where V8 reports a position; a file cut short fails at its end. */
function describeJsonError(path: string, text: string, error: SyntaxError): { ref: string; reason: string } {
  const reported = /\s*in JSON at position (\d+)(?: \(line \d+ column \d+\))?/.exec(error.message);
  const position = reported ? Number(reported[1]) : /Unexpected end of JSON input/.test(error.message) ? text.trimEnd().length : undefined;
  const message = reported ? error.message.replace(reported[0], '') : error.message;
  if (position === undefined) return { ref: path, reason: `invalid JSON: ${message}` };
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return { ref: `${path}:${line}`, reason: `invalid JSON at line ${line}, column ${column}: ${message}` };
}
