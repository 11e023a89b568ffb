/**
 * Follows: what a subscriber is interested in. A follow is a topic (a saved search), a category
 * or an author. Digests use them to pick papers; the community features reuse the same model.
 */
import { z } from 'zod';

/** One interest. Topics are free text matched against the full-text index; the rest match fields. */
export type Follow =
  | { kind: 'topic'; query: string }
  | { kind: 'category'; category: string }
  | { kind: 'author'; name: string };

/** No control characters anywhere: follows end up in mail subjects and headers' neighbourhood. */
const Printable = z.string().trim().regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

/** The follow as stored and as posted, validated at the boundary. */
export const FollowSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('topic'), query: Printable.pipe(z.string().min(2).max(100)) }),
  z.object({ kind: z.literal('category'), category: z.string().regex(/^[a-z-]+(\.[A-Za-z-]+)?$/, 'expected an arXiv category like cs.CL or an archive like cs') }),
  z.object({ kind: z.literal('author'), name: Printable.pipe(z.string().min(2).max(100)) }),
]);

/** At most this many follows per subscriber, which bounds the work of one digest. */
export const MAX_FOLLOWS = 20;

/** A stable key per follow, so equal follows of many subscribers are matched once per run. */
export function followKey(follow: Follow): string {
  switch (follow.kind) {
    case 'topic': return `topic:${fold(follow.query)}`;
    case 'category': return `category:${follow.category}`;
    case 'author': return `author:${fold(follow.name)}`;
  }
}

/** Why a paper was picked, in words, e.g. `matches your topic "diffusion LLM"`. */
export function followReason(follow: Follow): string {
  switch (follow.kind) {
    case 'topic': return `matches your topic "${follow.query}"`;
    case 'category': return `new in ${follow.category}`;
    case 'author': return `by ${follow.name}`;
  }
}

/** The one-line form used in the preferences page: `topic: diffusion llm`, `category: cs.CL`, `author: Ada Lovelace`. */
export function formatFollow(follow: Follow): string {
  switch (follow.kind) {
    case 'topic': return `topic: ${follow.query}`;
    case 'category': return `category: ${follow.category}`;
    case 'author': return `author: ${follow.name}`;
  }
}

/**
 * Parses follows written one per line as {@link formatFollow} prints them. A line without a
 * known prefix is a topic, which is what people type most.
 */
export function parseFollowLines(text: string): unknown[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const match = /^(topic|category|author)\s*:\s*(.*)$/i.exec(line);
      const kind = (match?.[1]?.toLowerCase() ?? 'topic') as Follow['kind'];
      const value = match ? match[2]! : line;
      return kind === 'topic' ? { kind, query: value } : kind === 'category' ? { kind, category: value } : { kind, name: value };
    });
}

/** What a field follow needs to know about a paper. */
export interface FollowablePaper {
  categories: readonly string[];
  authors: readonly string[];
}

/**
 * Whether a paper matches a category or author follow. A category matches exactly or as an
 * archive (`cs` matches `cs.CL`); an author matches with case and accents folded. Topics need the
 * full-text index and are never matched here.
 */
export function matchesFieldFollow(paper: FollowablePaper, follow: Exclude<Follow, { kind: 'topic' }>): boolean {
  if (follow.kind === 'category') {
    return paper.categories.some((category) => category === follow.category || category.startsWith(`${follow.category}.`));
  }
  const wanted = fold(follow.name);
  return paper.authors.some((author) => fold(author) === wanted);
}

/** Case, accents and runs of white space folded, so "José  García" finds "jose garcia". */
function fold(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\s+/g, ' ').trim();
}
