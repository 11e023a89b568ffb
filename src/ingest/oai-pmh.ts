import { parseArxivId } from '../catalog/ids.js';
import { withdrawnByComment, type Author, type PaperFields, type SourceRecord, type Version } from '../catalog/paper.js';
import type { StateStore } from '../catalog/store.js';
import { PaperfeedError, type ErrorCode } from '../errors.js';
import { authorName, categoryList, decodeTexAccents, firstDoi, isoDate } from './arxiv-fields.js';
import { parseAuthors } from './authors.js';
import type { Clock } from './clock.js';
import { eachFile } from './file-source.js';
import { readBytes } from './files.js';
import { politeFetcher, type FetchEvent } from './http.js';
import type { Source, SourceItem } from './source.js';
import { collapseWhitespace } from './text.js';
import { attrOf, listOf, nodeOf, textOf, xmlParser, type XmlFault, type XmlNode } from './xml.js';

/**
 * arXiv's OAI-PMH interface (https://info.arxiv.org/help/oa/index.html): the parser for its
 * `arXiv` and `arXivRaw` metadata formats, an importer for saved responses, and an incremental
 * harvester.
 *
 * `arXivRaw` is the harvester's default because it carries every version with its date, so the
 * catalog learns when each version appeared; its author line is split by `parseAuthors` and its
 * TeX accents decoded. `arXiv` names authors in parts with affiliations but dates only v1
 * (`created`) and the latest version (`updated`) without saying which version that is, so its
 * records carry v1 alone.
 *
 * Deleted records (`<header status="deleted">`) are skipped and reported as a `deleted` event:
 * there is nothing to merge (no title, no version), and a paperfeed paper is never removed. arXiv
 * marks a withdrawal with a new version whose comment says so, which the records do carry.
 */

/** The metadata formats of arXiv's OAI-PMH interface that paperfeed reads. */
export type MetadataPrefix = 'arXiv' | 'arXivRaw';

/** A record the repository reports as deleted. */
export interface DeletedRecord {
  id: string;
  datestamp: string;
  ref: string;
}

/** One OAI-PMH response, parsed. */
export interface OaiResponse {
  /** When the repository answered, ISO 8601. */
  responseDate: string;
  /** Records, and records that could not be read, in document order. */
  items: SourceItem[];
  deleted: DeletedRecord[];
  /** The token for the next page; absent when this page completes the list. */
  resumptionToken?: string;
  /** An OAI-PMH protocol error, such as `noRecordsMatch` or `badResumptionToken`. */
  error?: { code: string; message: string };
}

/** What the harvester reports besides its records, for a progress line or a log. */
export type HarvestEvent =
  | FetchEvent
  | { type: 'page'; url: string; records: number; resumptionToken?: string }
  | ({ type: 'deleted' } & DeletedRecord)
  | { type: 'restart'; reason: string; from?: string }
  | { type: 'complete'; nextFrom: string };

const parse = xmlParser(['record', 'setSpec', 'author', 'keyname', 'affiliation', 'version']);

/**
 * Parses one OAI-PMH response (ListRecords or GetRecord) in the `arXiv` or `arXivRaw` format.
 * `refFor` names each record for provenance and errors, from its line and OAI identifier.
 *
 * @returns the response, or a fault with the line where the document stops making sense.
 * @example
 * const parsed = parseOaiPmh(text, (line) => `${path}:${line}`);
 * if ('fault' in parsed) throw new Error(`${path}:${parsed.fault.line}: ${parsed.fault.reason}`);
 */
export function parseOaiPmh(xml: string, refFor: (line: number | undefined, identifier: string) => string): { response: OaiResponse } | { fault: XmlFault } {
  const doc = parse(xml);
  if ('reason' in doc) return { fault: doc };
  const root = nodeOf(doc.root['OAI-PMH']);
  if (!root) return { fault: { line: 1, reason: 'not an OAI-PMH response (no <OAI-PMH> element)' } };

  const response: OaiResponse = { responseDate: isoDate(textOf(root.responseDate)) ?? '', items: [], deleted: [] };
  const error = root.error;
  if (error !== undefined) {
    response.error = { code: attrOf(error, 'code') ?? 'unknown', message: collapseWhitespace(textOf(error)) };
    return { response };
  }

  const list = nodeOf(root.ListRecords) ?? nodeOf(root.GetRecord);
  for (const record of listOf(list?.record)) {
    const node = nodeOf(record);
    const header = nodeOf(node?.header);
    const identifier = textOf(header?.identifier);
    const ref = refFor(doc.lineOf(record), identifier);
    const id = parseArxivId(identifier);
    const observedAt = isoDate(textOf(header?.datestamp));
    if (!id || !observedAt) {
      const reason = !id ? `unknown OAI identifier "${identifier.slice(0, 80)}"` : `bad datestamp "${textOf(header?.datestamp)}"`;
      response.items.push({ error: { ref, reason } });
    } else if (attrOf(node?.header, 'status') === 'deleted') {
      response.deleted.push({ id: id.id, datestamp: textOf(header?.datestamp), ref });
    } else {
      response.items.push(toItem(nodeOf(node?.metadata), id.id, observedAt, ref));
    }
  }

  const token = textOf(list?.resumptionToken).trim();
  if (token !== '') response.resumptionToken = token;
  return { response };
}

function toItem(metadata: XmlNode | undefined, id: string, observedAt: string, ref: string): SourceItem {
  const arXiv = nodeOf(metadata?.arXiv);
  const raw = nodeOf(metadata?.arXivRaw);
  const fields = arXiv ?? raw;
  if (!fields) {
    const format = Object.keys(metadata ?? {}).find((key) => !key.startsWith('@_'));
    return { error: { ref, reason: format ? `metadata format "${format}" is not arXiv or arXivRaw` : 'record has no metadata' } };
  }
  const title = collapseWhitespace(textOf(fields.title));
  if (title === '') return { error: { ref, reason: 'record has no title' } };

  let versions: Version[];
  let version: number | undefined;
  if (raw) {
    const parsed = rawVersions(raw);
    if ('reason' in parsed) return { error: { ref, reason: parsed.reason } };
    versions = parsed.versions;
    version = versions.at(-1)?.version;
  } else {
    const created = isoDate(textOf(fields.created));
    versions = created ? [{ version: 1, date: created }] : [];
  }

  const comments = textOf(fields.comments).trim();
  const paperFields: Partial<PaperFields> = {
    title,
    abstract: textOf(fields.abstract).trim(),
    authors: raw ? rawAuthors(textOf(raw.authors)) : structuredAuthors(fields),
    categories: categoryList(textOf(fields.categories)),
    comments,
    journalRef: textOf(fields['journal-ref']).trim(),
    doi: firstDoi(textOf(fields.doi)),
    license: textOf(fields.license).trim(),
    withdrawn: withdrawnByComment(comments),
  };
  const record: SourceRecord = { source: 'oai-pmh', id, observedAt, fields: paperFields, versions, ref };
  if (version !== undefined) record.version = version;
  return { record };
}

function structuredAuthors(metadata: XmlNode): Author[] {
  return listOf(nodeOf(metadata.authors)?.author).flatMap((author) => {
    const node = nodeOf(author);
    // One record in the wild has two <keyname>s in one author; keep both rather than drop one.
    const name = authorName(textOf(node?.forenames), ...listOf(node?.keyname).map(textOf), textOf(node?.suffix));
    if (!name) return [];
    const affiliations = listOf(node?.affiliation).map((a) => collapseWhitespace(textOf(a))).filter((a) => a !== '');
    return [affiliations.length > 0 ? { name, affiliations } : { name }];
  });
}

/** arXivRaw keeps the author line as submitted, TeX accents included; the arXiv format decodes them. */
function rawAuthors(line: string): Author[] {
  return parseAuthors(line).map((author) => ({ ...author, name: decodeTexAccents(author.name) }));
}

function rawVersions(metadata: XmlNode): { versions: Version[] } | { reason: string } {
  const versions: Version[] = [];
  for (const element of listOf(metadata.version)) {
    const label = attrOf(element, 'version') ?? '';
    const number = /^v(\d+)$/.exec(label)?.[1];
    const date = isoDate(textOf(nodeOf(element)?.date));
    if (!number || !date) return { reason: `bad version "${label}" dated "${textOf(nodeOf(element)?.date)}"` };
    versions.push({ version: Number(number), date });
  }
  return { versions: versions.sort((a, b) => a.version - b.version) };
}

/**
 * Imports saved OAI-PMH responses (`.xml`, `.xml.gz`, or folders of them). A file that is not
 * well-formed XML, such as a truncated download, becomes one error naming the file and line.
 * Deleted records are skipped, as in {@link harvest}.
 *
 * @example for await (const item of oaiPmhFiles(['harvest/'])) console.log(item);
 */
export function oaiPmhFiles(paths: readonly string[]): Source {
  return eachFile(paths, ['.xml', '.xml.gz'], readOaiPmhFile);
}

async function* readOaiPmhFile(path: string): AsyncGenerator<SourceItem> {
  const parsed = parseOaiPmh((await readBytes(path)).toString('utf8'), (line) => (line === undefined ? path : `${path}:${line}`));
  if ('fault' in parsed) {
    yield { error: { ref: `${path}:${parsed.fault.line}`, reason: parsed.fault.reason } };
    return;
  }
  const { error, items } = parsed.response;
  if (error && error.code !== 'noRecordsMatch') yield { error: { ref: path, reason: `OAI-PMH error ${error.code}: ${error.message}` } };
  yield* items;
}

/** What to harvest, from where, and the ports it needs; see {@link harvest}. */
export interface HarvestOptions {
  /** The OAI-PMH endpoint, e.g. `https://oaipmh.arxiv.org/oai`. */
  baseUrl: string;
  metadataPrefix?: MetadataPrefix;
  /** An OAI set such as `cs` or `physics:hep-th`. */
  set?: string;
  /** YYYY-MM-DD. Defaults to where the last complete run of this harvest left off; none means everything. */
  from?: string;
  /** YYYY-MM-DD, inclusive. */
  until?: string;
  /** Where the harvest keeps its place between runs. */
  state: StateStore;
  clock: Clock;
  fetch?: typeof fetch;
  /** Defaults to arXiv's 3 s. */
  minIntervalMs?: number;
  /** Retries of one request after a transient failure. */
  retries?: number;
  log?: (event: HarvestEvent) => void;
}

/** Where a harvest stands, as kept in the state store. */
interface Checkpoint {
  /** The `from` of the run in progress, or of the next run once a run completed. */
  from?: string;
  /** The token for the next page of the run in progress. */
  resumptionToken?: string;
  /** The responseDate of the run's first page, which becomes the next run's `from`. */
  startedAt?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

// How each OAI-PMH error reaches the user; noRecordsMatch is no error but an empty list.
const OAI_ERROR_CODES: Record<string, ErrorCode> = {
  badArgument: 'usage',
  badVerb: 'usage',
  cannotDisseminateFormat: 'usage',
  noSetHierarchy: 'usage',
  idDoesNotExist: 'not_found',
  noMetadataFormats: 'not_found',
  badResumptionToken: 'remote',
};

/**
 * Harvests ListRecords incrementally by datestamp, page by page through resumption tokens, at
 * arXiv's pace (see {@link politeFetcher}).
 *
 * It keeps its place in `state`, under a key for this endpoint, format and set. Once the consumer
 * has taken every record of a page, the token for the next page is stored, so a harvest that is
 * killed resumes at the page it was reading; a consumer that buffers records across pages may see
 * some again, which merge absorbs. A stored token that has expired restarts the run from its
 * `from`. A complete run stores the day of its first responseDate as the next run's `from`
 * (or `until`, if earlier), so the next run overlaps by a day rather than missing one.
 *
 * A page that is not well-formed XML stops the harvest with a `remote` error naming the URL and
 * line; the stored token makes the next run try that page again.
 *
 * @example
 * const source = harvest({ baseUrl: 'https://oaipmh.arxiv.org/oai', set: 'cs', state, clock: systemClock });
 * await importSource(store, source);
 */
export async function* harvest(options: HarvestOptions): Source {
  for (const [name, value] of [['from', options.from], ['until', options.until]] as const) {
    if (value !== undefined && !DAY.test(value)) throw new PaperfeedError('usage', `harvest: ${name} must be YYYY-MM-DD, not "${value}"`);
  }
  const { state, log } = options;
  const prefix = options.metadataPrefix ?? 'arXivRaw';
  const key = `oai-pmh:${options.baseUrl}:${prefix}:${options.set ?? ''}`;
  const get = politeFetcher({ clock: options.clock, fetch: options.fetch, minIntervalMs: options.minIntervalMs, retries: options.retries, log });

  const saved = readCheckpoint(await state.getState(key), key);
  // An explicit `from` other than the interrupted run's starts a new run.
  const resuming = saved.resumptionToken !== undefined && (options.from === undefined || options.from === saved.from);
  let run: Checkpoint = resuming ? saved : { from: options.from ?? saved.from };
  let token = run.resumptionToken;
  let useStoredToken = resuming;

  for (;;) {
    const url = listRecordsUrl(options, prefix, run.from, token);
    const response = await get(url);
    if (response.status !== 200) {
      throw new PaperfeedError('remote', `${url}: HTTP ${response.status}: ${collapseWhitespace(response.body).slice(0, 200)}`, { url, status: response.status });
    }
    const parsed = parseOaiPmh(response.body, (_line, identifier) => `${url}#${identifier}`);
    if ('fault' in parsed) {
      throw new PaperfeedError('remote', `${url}: line ${parsed.fault.line}: ${parsed.fault.reason}`, { url, line: parsed.fault.line });
    }
    const page = parsed.response;

    if (page.error?.code === 'badResumptionToken' && useStoredToken) {
      log?.({ type: 'restart', reason: `stored resumption token rejected: ${page.error.message}`, from: run.from });
      run = { from: run.from };
      token = undefined;
      useStoredToken = false;
      await state.setState(key, JSON.stringify(run));
      continue;
    }
    if (page.error && page.error.code !== 'noRecordsMatch') {
      const { code, message } = page.error;
      throw new PaperfeedError(OAI_ERROR_CODES[code] ?? 'remote', `${url}: OAI-PMH error ${code}: ${message}`, { url, oaiError: code });
    }
    useStoredToken = false;
    run.startedAt ??= page.responseDate || options.clock.now().toISOString();

    for (const record of page.deleted) log?.({ type: 'deleted', ...record });
    log?.({ type: 'page', url, records: page.items.length, resumptionToken: page.resumptionToken });
    yield* page.items;

    if (page.resumptionToken === undefined) break;
    if (page.resumptionToken === token) throw new PaperfeedError('remote', `${url}: the repository returned the same resumption token again`, { url });
    token = page.resumptionToken;
    run = { ...run, resumptionToken: token };
    yield checkpoint(state, key, run);
  }

  const startedDay = run.startedAt!.slice(0, 10);
  const nextFrom = options.until !== undefined && options.until < startedDay ? options.until : startedDay;
  yield checkpoint(state, key, { from: nextFrom });
  log?.({ type: 'complete', nextFrom });
}

function readCheckpoint(text: string | undefined, key: string): Checkpoint {
  if (text === undefined) return {};
  try {
    return JSON.parse(text) as Checkpoint;
  } catch {
    throw new PaperfeedError('internal', `harvest state "${key}" is not valid JSON: ${text.slice(0, 80)}`);
  }
}

/** A resumption token is an exclusive argument: the first request names the list, later ones only the token. */
function listRecordsUrl(options: HarvestOptions, prefix: MetadataPrefix, from: string | undefined, token: string | undefined): string {
  const url = new URL(options.baseUrl);
  url.searchParams.set('verb', 'ListRecords');
  if (token !== undefined) {
    url.searchParams.set('resumptionToken', token);
    return url.toString();
  }
  url.searchParams.set('metadataPrefix', prefix);
  if (from !== undefined) url.searchParams.set('from', from);
  if (options.until !== undefined) url.searchParams.set('until', options.until);
  if (options.set !== undefined) url.searchParams.set('set', options.set);
  return url.toString();
}

/** A checkpoint the consumer saves once everything yielded before it is written. */
function checkpoint(state: StateStore, key: string, value: Checkpoint): SourceItem {
  return { checkpoint: () => state.setState(key, JSON.stringify(value)) };
}
