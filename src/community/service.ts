/**
 * The community use cases: upvotes, follows, "not interested", collections, and "For you". It
 * owns its ports ({@link CommunityStore}, the catalog reads, topic search and the paper vectors);
 * adapters are wired in `createApp`. The clock is passed into every call.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Paper } from '../catalog/paper.js';
import type { CatalogStore } from '../catalog/store.js';
import type { TopicSearch } from '../digest/store.js';
import { PaperfeedError } from '../errors.js';
import { FollowSchema, MAX_FOLLOWS, followKey, matchesFieldFollow, type Follow } from '../follows/follow.js';
import type { SearchService } from '../search/types.js';
import type { VectorIndex } from '../search/vectors.js';
import { windowEnd } from '../trending/score.js';
import { candidatePool, rankForYou, reasonText, type CandidatePool, type ForYouItem } from './for-you.js';
import type { Account, Collection, CommunityStore, PaperRef } from './store.js';

/** "For you" looks at papers new in this many days (of data). */
export const FOR_YOU_DAYS = 7;
/** At most this many candidates, newest first. */
const MAX_CANDIDATES = 20_000;
/** Papers a topic follow contributes (the search service's page cap). */
const TOPIC_HITS = 100;
export const MAX_COLLECTIONS = 50;
export const MAX_COLLECTION_PAPERS = 1000;

/** A collection's name and visibility, validated at the boundary. */
export const CollectionSchema = z.object({
  name: z.string().trim().regex(/^[^\p{Cc}]*$/u, 'must not contain control characters').pipe(z.string().min(1).max(100)),
  public: z.boolean().default(false),
});

export interface CommunityDeps {
  store: CommunityStore;
  catalog: Pick<CatalogStore, 'getPapers'> & { newestPaper(): Promise<string | undefined> };
  topics: TopicSearch;
  search: SearchService;
  /** The stored LSA embeddings by paper rowid; undefined before `paperfeed embed`. */
  vectors: () => Promise<VectorIndex | undefined>;
}

/** One recommended paper, with its reason in words. */
export interface ForYouEntry {
  paper: Paper;
  item: ForYouItem;
  /** e.g. `because you follow *block diffusion*`; `*…*` marks what to emphasise. */
  reason: string;
}

/** A spelling of an author's name in the catalog, for choosing among namesakes. */
export interface AuthorChoice {
  name: string;
  papers: number;
  categories: string[];
  latestTitle: string;
}

interface Pool {
  key: string;
  start: string;
  end: string;
  papers: Paper[];
  candidates: CandidatePool;
  /** Each follow's matches, computed once per pool and shared by everyone following it. */
  matches: Map<string, Promise<ReadonlySet<string>>>;
}

export class CommunityService {
  private pool: Promise<Pool> | undefined;
  private poolKey = '';

  constructor(private readonly deps: CommunityDeps) {}

  /** Upvotes a paper (a second vote changes nothing); an unknown paper is `not_found`. */
  async vote(account: Account, paperId: string, now: Date): Promise<{ voted: boolean; votes: number }> {
    await this.requirePaper(paperId);
    await this.deps.store.vote(account.id, paperId, now.toISOString());
    return { voted: true, votes: await this.deps.store.voteCount(paperId) };
  }

  /** Undoes an upvote; undoing none changes nothing. */
  async unvote(account: Account, paperId: string, now: Date): Promise<{ voted: boolean; votes: number }> {
    await this.requirePaper(paperId);
    await this.deps.store.unvote(account.id, paperId, now.toISOString());
    return { voted: false, votes: await this.deps.store.voteCount(paperId) };
  }

  /** Adds a follow, validated here (topics at most 100 characters); at most {@link MAX_FOLLOWS}. */
  async follow(account: Account, input: unknown, now: Date): Promise<Follow> {
    const parsed = FollowSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new PaperfeedError('bad_input', `${issue.path.join('.') || 'follow'}: ${issue.message}`);
    }
    const outcome = await this.deps.store.addFollow(account.id, followKey(parsed.data), parsed.data, now.toISOString(), MAX_FOLLOWS);
    if (outcome === 'full') throw new PaperfeedError('conflict', `you follow ${MAX_FOLLOWS} things already, the most one account may; remove one first`);
    return parsed.data;
  }

  async unfollow(account: Account, key: string): Promise<void> {
    await this.deps.store.removeFollow(account.id, key);
  }

  async follows(account: Account): Promise<Follow[]> {
    return this.deps.store.follows(account.id);
  }

  /**
   * The spellings of authors whose names hold all the words of `name` (case and accents folded),
   * most papers first, each with its categories and newest title, so a person can tell namesakes
   * apart before following one.
   */
  async authorChoices(name: string): Promise<AuthorChoice[]> {
    const words = fold(name).split(' ').filter((word) => word.length > 0);
    if (words.length === 0) return [];
    const result = await this.deps.search.search({ text: `au:"${name.replace(/"/g, ' ')}"`, sort: 'date', limit: 100 });
    const choices = new Map<string, AuthorChoice & { counts: Map<string, number> }>();
    for (const { paper } of result.items) {
      for (const author of paper.authors) {
        const folded = fold(author.name);
        if (!words.every((word) => folded.split(' ').includes(word))) continue;
        const choice = choices.get(author.name) ?? { name: author.name, papers: 0, categories: [], latestTitle: paper.title, counts: new Map() };
        choice.papers += 1;
        for (const category of paper.categories) choice.counts.set(category, (choice.counts.get(category) ?? 0) + 1);
        choices.set(author.name, choice);
      }
    }
    return [...choices.values()]
      .map(({ counts, ...choice }) => ({ ...choice, categories: [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([category]) => category) }))
      .sort((a, b) => b.papers - a.papers || a.name.localeCompare(b.name));
  }

  /** Marks (or unmarks) a paper "not interested": it leaves "For you" and pushes its likes away. */
  async notInterested(account: Account, paperId: string, on: boolean, now: Date): Promise<void> {
    await this.requirePaper(paperId);
    await this.deps.store.setNotInterested(account.id, paperId, now.toISOString(), on);
  }

  async createCollection(account: Account, input: unknown, now: Date): Promise<Collection> {
    const { name, public: isPublic } = parseCollection(input);
    const created = await this.deps.store.addCollection(account.id, randomBytes(9).toString('base64url'), name, isPublic, now.toISOString(), MAX_COLLECTIONS);
    if (!created) throw new PaperfeedError('conflict', `you have ${MAX_COLLECTIONS} collections already, the most one account may`);
    return created;
  }

  async collections(account: Account): Promise<Collection[]> {
    return this.deps.store.collections(account.id);
  }

  /** A collection and its papers, newest addition first; a private one is `not_found` to anyone but its owner. */
  async collection(key: string, viewer: Account | undefined, limit = MAX_COLLECTION_PAPERS): Promise<{ collection: Collection; papers: Paper[]; owned: boolean }> {
    const collection = await this.deps.store.collection(key);
    const owned = collection !== undefined && viewer?.id === collection.accountId;
    if (!collection || (!collection.public && !owned)) throw new PaperfeedError('not_found', 'no such collection');
    const ids = await this.deps.store.collectionPaperIds(collection.id, limit);
    const papers = await this.deps.catalog.getPapers(ids);
    return { collection, papers: ids.flatMap((id) => (papers.has(id) ? [papers.get(id)!] : [])), owned };
  }

  async updateCollection(account: Account, key: string, input: unknown): Promise<void> {
    const collection = await this.owned(account, key);
    const { name, public: isPublic } = parseCollection(input);
    await this.deps.store.updateCollection(collection.id, name, isPublic);
  }

  async deleteCollection(account: Account, key: string): Promise<void> {
    await this.deps.store.deleteCollection((await this.owned(account, key)).id);
  }

  /** Saves a paper to one of the account's collections. */
  async addToCollection(account: Account, key: string, paperId: string, now: Date): Promise<void> {
    const collection = await this.owned(account, key);
    await this.requirePaper(paperId);
    if (!(await this.deps.store.addToCollection(collection.id, paperId, now.toISOString(), MAX_COLLECTION_PAPERS))) {
      throw new PaperfeedError('conflict', `a collection holds at most ${MAX_COLLECTION_PAPERS} papers`);
    }
  }

  async removeFromCollection(account: Account, key: string, paperId: string): Promise<void> {
    await this.deps.store.removeFromCollection((await this.owned(account, key)).id, paperId);
  }

  async votedPapers(account: Account): Promise<PaperRef[]> {
    return this.deps.store.votedPapers(account.id);
  }

  /**
   * "For you": papers new in the last {@link FOR_YOU_DAYS} days (ending now, or at the newest
   * paper when the catalog is older), ranked by {@link rankForYou} for this account.
   */
  async forYou(account: Account, now: Date, limit: number): Promise<{ start: string; end: string; entries: ForYouEntry[] }> {
    const { store } = this.deps;
    const pool = await this.poolFor(now);
    const [follows, voted, saved, hidden, vectors] = await Promise.all([
      store.follows(account.id), store.votedPapers(account.id), store.savedPapers(account.id), store.notInterested(account.id), this.deps.vectors(),
    ]);
    const stored = vectors ? await vectors.vectors([...voted, ...saved, ...hidden].map((ref) => ref.rowid)) : new Map<number, Float32Array>();
    const vectorOf = (ref: PaperRef) => stored.get(ref.rowid);
    const liked = [
      ...voted.map((ref) => ({ ref, how: 'upvoted' as const })),
      ...saved.map((ref) => ({ ref, how: 'saved' as const })),
    ].flatMap(({ ref, how }) => {
      const vector = vectorOf(ref);
      return vector ? [{ paperId: ref.paperId, how, vector }] : [];
    });
    const items = rankForYou(pool.candidates, {
      follows: await Promise.all(follows.map(async (follow) => ({ follow, paperIds: await this.matches(pool, follow) }))),
      liked,
      disliked: hidden.flatMap((ref) => vectorOf(ref) ?? []),
      exclude: new Set([...voted, ...saved, ...hidden].map((ref) => ref.paperId)),
    }, limit);
    const likedIds = items.flatMap((item) => (item.reason.kind === 'similar' ? [item.reason.paperId] : []));
    const likedPapers = likedIds.length > 0 ? await this.deps.catalog.getPapers([...new Set(likedIds)]) : new Map<string, Paper>();
    const entries = items.map((item) => {
      const paper = pool.papers[pool.candidates.position.get(item.paperId)!]!;
      const title = item.reason.kind === 'similar' ? likedPapers.get(item.reason.paperId)?.title ?? item.reason.paperId : '';
      return { paper, item, reason: reasonText(item.reason, title) };
    });
    return { start: pool.start, end: pool.end, entries };
  }

  /** The candidate pool for `now`, rebuilt when the catalog changes or the window moves. */
  private async poolFor(now: Date): Promise<Pool> {
    const [version, newest] = await Promise.all([this.deps.store.catalogVersion(), this.deps.catalog.newestPaper()]);
    const end = windowEnd(now, newest);
    const minute = new Date(Math.floor(end.getTime() / 60_000) * 60_000);
    const key = `${version}|${minute.toISOString()}`;
    if (this.pool && this.poolKey === key) return this.pool;
    this.poolKey = key;
    this.pool = this.buildPool(key, minute).catch((error: unknown) => { this.pool = undefined; this.poolKey = ''; throw error; });
    return this.pool;
  }

  private async buildPool(key: string, end: Date): Promise<Pool> {
    const start = new Date(end.getTime() - FOR_YOU_DAYS * 86_400_000).toISOString();
    const found = await this.deps.store.recentCandidates(start, end.toISOString(), MAX_CANDIDATES);
    const vectors = await this.deps.vectors();
    const dims = vectors?.dims ?? 0;
    const matrix = new Float32Array(found.length * dims);
    const stored = vectors ? await vectors.vectors(found.map((candidate) => candidate.rowid)) : new Map<number, Float32Array>();
    found.forEach((candidate, i) => {
      const vector = stored.get(candidate.rowid);
      if (vector) matrix.set(vector, i * dims);
    });
    return {
      key, start, end: end.toISOString(),
      papers: found.map((candidate) => candidate.paper),
      candidates: candidatePool(found.map((candidate) => candidate.paper.id), matrix, dims),
      matches: new Map(),
    };
  }

  /** The candidates a follow matches: topics through the search service, the rest by field. */
  private matches(pool: Pool, follow: Follow): Promise<ReadonlySet<string>> {
    const key = followKey(follow);
    let found = pool.matches.get(key);
    if (!found) {
      found = follow.kind === 'topic'
        ? this.deps.topics.matchTopic(follow.query, pool.start, pool.end, TOPIC_HITS).then((ids) => new Set(ids))
        : Promise.resolve(new Set(pool.papers
          .filter((paper) => matchesFieldFollow({ categories: paper.categories, authors: paper.authors.map((author) => author.name) }, follow))
          .map((paper) => paper.id)));
      pool.matches.set(key, found);
    }
    return found;
  }

  private async requirePaper(paperId: string): Promise<Paper> {
    const paper = (await this.deps.catalog.getPapers([paperId])).get(paperId);
    if (!paper) throw new PaperfeedError('not_found', `no paper ${paperId} in this catalog`);
    return paper;
  }

  private async owned(account: Account, key: string): Promise<Collection> {
    const collection = await this.deps.store.collection(key);
    if (!collection || collection.accountId !== account.id) throw new PaperfeedError('not_found', 'no such collection');
    return collection;
  }
}

function parseCollection(input: unknown): z.infer<typeof CollectionSchema> {
  const parsed = CollectionSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new PaperfeedError('bad_input', `${issue.path.join('.') || 'collection'}: ${issue.message}`);
}

/** Case, accents and spaces folded, as author follows match. */
function fold(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^\p{L}\p{N} ]/gu, ' ').replace(/\s+/g, ' ').trim();
}
