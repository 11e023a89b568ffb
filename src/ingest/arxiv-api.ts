import { parseArxivId } from '../catalog/ids.js';
import { withdrawnByComment, type SourceRecord, type Version } from '../catalog/paper.js';
import { PaperfeedError } from '../errors.js';
import { authorName, categoryList, firstDoi, isoDate } from './arxiv-fields.js';
import type { Clock } from './clock.js';
import { eachFile } from './file-source.js';
import { readBytes } from './files.js';
import { politeFetcher, type FetchEvent, type PoliteGet } from './http.js';
import type { Source, SourceItem } from './source.js';
import { collapseWhitespace } from './text.js';
import { attrOf, listOf, nodeOf, textOf, xmlParser, type XmlFault, type XmlNode } from './xml.js';

/**
 * The arXiv API (https://info.arxiv.org/help/api/user-manual.html): an Atom feed per query,
 * paged with OpenSearch's totalResults and startIndex. Entries name their version
 * (`http://arxiv.org/abs/1401.2122v5`); `published` dates v1 and `updated` that version.
 */

/** One Atom response of the arXiv API, parsed. */
export interface ArxivFeed {
  totalResults: number;
  startIndex: number;
  /** Entries in the feed, readable or not; paging counts these. */
  entries: number;
  items: SourceItem[];
  /** arXiv's own explanation when it rejected the query, e.g. "incorrect id format for abc". */
  error?: string;
}

const parse = xmlParser(['entry', 'author', 'affiliation', 'link', 'category']);

/**
 * Parses one arXiv API response. `refFor` names each entry from its line and id. arXiv reports a
 * bad query as a feed with one entry titled "Error"; that becomes `error`, not a record.
 *
 * @example
 * const parsed = parseArxivFeed(text, (line) => `${path}:${line}`);
 */
export function parseArxivFeed(xml: string, refFor: (line: number | undefined, entryId: string) => string): { feed: ArxivFeed } | { fault: XmlFault } {
  const doc = parse(xml);
  if ('reason' in doc) return { fault: doc };
  const root = nodeOf(doc.root.feed);
  if (!root) return { fault: { line: 1, reason: 'not an Atom feed (no <feed> element)' } };

  const entries = listOf(root.entry);
  const feed: ArxivFeed = {
    totalResults: Number(textOf(root.totalResults) || 0),
    startIndex: Number(textOf(root.startIndex) || 0),
    entries: entries.length,
    items: [],
  };
  // The feed's `updated` is when arXiv answered: the time every entry was observed.
  const answeredAt = isoDate(textOf(root.updated));
  for (const entry of entries) {
    const node = nodeOf(entry) ?? {};
    const entryId = textOf(node.id).trim();
    if (isErrorEntry(node, entryId)) {
      feed.error = collapseWhitespace(textOf(node.summary)) || entryId;
      continue;
    }
    feed.items.push(toItem(node, entryId, answeredAt, refFor(doc.lineOf(entry), entryId)));
  }
  return { feed };
}

function isErrorEntry(entry: XmlNode, entryId: string): boolean {
  return /\/api\/errors/.test(entryId) || (textOf(entry.title).trim() === 'Error' && !parseArxivId(entryId));
}

function toItem(entry: XmlNode, entryId: string, answeredAt: string | undefined, ref: string): SourceItem {
  const id = parseArxivId(entryId);
  if (!id) return { error: { ref, reason: `unknown entry id "${entryId.slice(0, 80)}"` } };
  const published = isoDate(textOf(entry.published));
  const updated = isoDate(textOf(entry.updated));
  const observedAt = answeredAt ?? updated;
  if (!published || !observedAt) return { error: { ref, reason: `entry ${entryId} has no valid <published> or <updated> date` } };

  const versions: Version[] = [{ version: 1, date: published }];
  if (id.version !== undefined && id.version > 1 && updated) versions.push({ version: id.version, date: updated });

  const links = listOf(entry.link);
  const doiLink = links.find((link) => attrOf(link, 'title') === 'doi');
  const doiFromLink = (attrOf(doiLink, 'href') ?? '').replace(/^https?:\/\/(dx\.)?doi\.org\//, '');
  const comments = textOf(entry.comment).trim();

  const record: SourceRecord = {
    source: 'arxiv-api',
    id: id.id,
    observedAt,
    ref,
    versions,
    fields: {
      title: collapseWhitespace(textOf(entry.title)),
      abstract: textOf(entry.summary).trim(),
      authors: listOf(entry.author).flatMap((author) => {
        const name = authorName(textOf(nodeOf(author)?.name));
        if (!name) return [];
        const affiliations = listOf(nodeOf(author)?.affiliation).map((a) => collapseWhitespace(textOf(a))).filter((a) => a !== '');
        return [affiliations.length > 0 ? { name, affiliations } : { name }];
      }),
      categories: categoryList(attrOf(entry.primary_category, 'term'), ...listOf(entry.category).map((c) => attrOf(c, 'term'))),
      comments,
      journalRef: textOf(entry.journal_ref).trim(),
      doi: firstDoi(textOf(entry.doi) || doiFromLink),
      withdrawn: withdrawnByComment(comments),
    },
  };
  if (id.version !== undefined) record.version = id.version;
  return { record };
}

/** What to ask the arXiv API, and the ports it needs; see {@link arxivApi}. */
export interface ArxivApiOptions {
  /** Scheme and host, e.g. `https://export.arxiv.org`; the client adds `/api/query`. */
  baseUrl: string;
  /** arXiv ids, with or without version. Ids arXiv does not know become error items. */
  ids?: readonly string[];
  /** arXiv's query syntax, e.g. `au:del_maestro AND ti:checkerboard`. With `ids`, it filters them. */
  query?: string;
  /** Entries per request; arXiv serves at most 2000. */
  pageSize?: number;
  /** Stop after this many entries. arXiv itself serves at most 30 000 per query. */
  maxResults?: number;
  clock: Clock;
  fetch?: typeof fetch;
  /** Defaults to arXiv's 3 s. */
  minIntervalMs?: number;
  /** Retries of one request after a transient failure. */
  retries?: number;
  log?: (event: FetchEvent) => void;
}

// arXiv's search backend sometimes answers a page inside the results with no entries; asking
// again usually helps.
const EMPTY_PAGE_RETRIES = 3;

/**
 * Queries the arXiv API and yields its entries as records, page by page, one request every 3 s.
 * Ids go in batches of `pageSize`, so a long list never makes an overlong URL.
 *
 * A query arXiv rejects (HTTP 400 with an "Error" entry) is a `bad_input` error carrying arXiv's
 * own message; other failures are `remote` (see {@link politeFetcher}).
 *
 * @example
 * for await (const item of arxivApi({ baseUrl: 'https://export.arxiv.org', ids: ['1401.2122'], clock: systemClock })) …
 */
export async function* arxivApi(options: ArxivApiOptions): Source {
  const ids = options.ids ?? [];
  if (ids.length === 0 && !options.query) throw new PaperfeedError('usage', 'arxiv-api: give ids, a query, or both');
  const pageSize = Math.min(Math.max(1, options.pageSize ?? 100), 2000);
  const maxResults = options.maxResults ?? 30_000;
  const get = politeFetcher({ clock: options.clock, fetch: options.fetch, minIntervalMs: options.minIntervalMs, retries: options.retries, log: options.log });
  const batches = ids.length > 0 ? chunks(ids, pageSize) : [[]];

  let taken = 0;
  for (const batch of batches) {
    const found = new Set<string>();
    let start = 0;
    let total = Infinity;
    let emptyPages = 0;
    let url = '';
    while (start < total && taken < maxResults) {
      url = queryUrl(options.baseUrl, options.query, batch, start, Math.min(pageSize, maxResults - taken));
      const feed = await fetchFeed(get, url);
      total = feed.totalResults;
      // A server that ignores `start` would otherwise hand out its first page forever.
      if (feed.startIndex !== start) throw new PaperfeedError('remote', `${url}: arXiv answered from entry ${feed.startIndex}, not ${start}`, { url });
      if (feed.entries === 0 && start < total) {
        emptyPages += 1;
        if (emptyPages > EMPTY_PAGE_RETRIES) {
          throw new PaperfeedError('remote', `${url}: arXiv returned no entries at ${start} of ${total}, ${emptyPages} times`, { url });
        }
        continue;
      }
      emptyPages = 0;
      for (const item of feed.items.slice(0, maxResults - taken)) {
        if ('record' in item) found.add(item.record.id);
        yield item;
      }
      taken += Math.min(feed.entries, maxResults - taken);
      start += feed.entries;
    }
    // With a query, ids outside it are rightly absent; without one, an absent id is unknown to arXiv.
    if (!options.query && start >= total) {
      for (const id of batch) {
        if (!found.has(parseArxivId(id)?.id ?? id)) yield { error: { ref: url, reason: `arXiv has no paper ${id}` } };
      }
    }
  }
}

async function fetchFeed(get: PoliteGet, url: string): Promise<ArxivFeed> {
  const response = await get(url);
  if (response.status !== 200 && response.status !== 400) {
    throw new PaperfeedError('remote', `${url}: HTTP ${response.status}: ${collapseWhitespace(response.body).slice(0, 200)}`, { url, status: response.status });
  }
  const parsed = parseArxivFeed(response.body, (_line, entryId) => `${url}#${entryId}`);
  if ('fault' in parsed) {
    // A 400 that is no feed still means arXiv rejected the query.
    if (response.status === 400) throw new PaperfeedError('bad_input', `arXiv API rejected ${url} (HTTP 400)`, { url, status: 400 });
    throw new PaperfeedError('remote', `${url}: line ${parsed.fault.line}: ${parsed.fault.reason}`, { url, line: parsed.fault.line });
  }
  const { feed } = parsed;
  if (feed.error !== undefined || response.status === 400) {
    throw new PaperfeedError('bad_input', `arXiv API rejected the query: ${feed.error ?? `HTTP 400 from ${url}`}`, { url, status: response.status });
  }
  return feed;
}

function queryUrl(baseUrl: string, query: string | undefined, ids: readonly string[], start: number, maxResults: number): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/api/query`);
  url.searchParams.set('search_query', query ?? '');
  url.searchParams.set('id_list', ids.join(','));
  url.searchParams.set('start', String(start));
  url.searchParams.set('max_results', String(maxResults));
  return url.toString();
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

/**
 * Imports saved arXiv API responses (`.xml`, `.xml.gz`, or folders of them). A file that is not
 * well-formed becomes one error naming the file and line; a saved error feed becomes one error
 * carrying arXiv's message.
 *
 * @example for await (const item of arxivApiFiles(['saved/query.xml'])) console.log(item);
 */
export function arxivApiFiles(paths: readonly string[]): Source {
  return eachFile(paths, ['.xml', '.xml.gz'], readFeedFile);
}

async function* readFeedFile(path: string): AsyncGenerator<SourceItem> {
  const parsed = parseArxivFeed((await readBytes(path)).toString('utf8'), (line) => (line === undefined ? path : `${path}:${line}`));
  if ('fault' in parsed) {
    yield { error: { ref: `${path}:${parsed.fault.line}`, reason: parsed.fault.reason } };
    return;
  }
  if (parsed.feed.error !== undefined) yield { error: { ref: path, reason: `arXiv API error: ${parsed.feed.error}` } };
  yield* parsed.feed.items;
}
