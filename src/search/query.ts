/**
 * The query language: a lenient parser from user text to an AST. Each store renders the AST in
 * its own dialect (FTS5 MATCH on SQLite, tsquery on PostgreSQL), so this layer knows neither.
 *
 * Syntax: `word`, `"a phrase"`, `prefix*`, `-excluded` (or `NOT x`), `a OR b`, `(groups)`, and
 * fields `ti:`, `au:`, `abs:`, `cat:` before a word, phrase or group. Words side by side must all
 * match. Broken input is read the sensible way: an unclosed quote or bracket closes at the end,
 * stray operators and punctuation are ignored; only input with no sensible reading is an error.
 */
import { PaperfeedError } from '../errors.js';
import { STOP_WORDS, isContentWord, stem, words } from './text.js';

/** Searchable fields, named as the full-text index names its columns. */
export type Field = 'title' | 'authors' | 'abstract' | 'categories';

export type QueryNode =
  | { kind: 'term'; text: string; prefix: boolean; phrase: boolean; field?: Field }
  | { kind: 'and'; children: QueryNode[] }
  | { kind: 'or'; children: QueryNode[] }
  | { kind: 'not'; child: QueryNode };

/** Longer input is refused rather than silently cut, so the user knows what was searched. */
export const MAX_QUERY_CHARS = 1000;
const MAX_TERMS = 64;

const FIELDS: Record<string, Field> = { ti: 'title', title: 'title', au: 'authors', author: 'authors', abs: 'abstract', cat: 'categories' };

type Token =
  | { type: 'word'; text: string; negated: boolean; field?: Field }
  | { type: 'phrase'; text: string; negated: boolean; field?: Field }
  | { type: 'open'; negated: boolean; field?: Field }
  | { type: 'close' }
  | { type: 'or' }
  | { type: 'and' }
  | { type: 'not' };

/**
 * Parses query text. Returns undefined for text with no words (list everything the filters
 * select); throws `bad_input` for text that is too long or only excludes.
 *
 * @example parseQuery('ti:"block diffusion" quantiz* -video')
 */
export function parseQuery(text: string): QueryNode | undefined {
  if (text.length > MAX_QUERY_CHARS) {
    throw new PaperfeedError('bad_input', `query is too long: ${text.length} characters, at most ${MAX_QUERY_CHARS}`, { field: 'q' });
  }
  const tokens = tokenize(text.replace(/[\p{Cc}\p{Cf}]/gu, ' '));
  const parser = new Parser(tokens);
  const node = parser.parseOr();
  if (!node) return undefined;
  if (countTerms(node) > MAX_TERMS) {
    throw new PaperfeedError('bad_input', `query has too many words: at most ${MAX_TERMS}`, { field: 'q' });
  }
  if (!hasPositive(node)) {
    throw new PaperfeedError('bad_input', 'query only excludes words: add at least one word to search for', { field: 'q' });
  }
  return node;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) { i += space[0].length; continue; }
    if (rest[0] === ')') { tokens.push({ type: 'close' }); i += 1; continue; }
    // An optional "-" and an optional known field, then a phrase, a group or a word.
    const head = /^(-?)(?:([A-Za-z]+):(?=[^\s:]))?/.exec(rest)!;
    const negated = head[1] === '-';
    const field = head[2] ? FIELDS[head[2].toLowerCase()] : undefined;
    const start = head[2] && !field ? negated ? 1 : 0 : head[0].length;
    const body = rest.slice(start);
    if (body[0] === '"') {
      const close = body.indexOf('"', 1);
      const inner = close < 0 ? body.slice(1) : body.slice(1, close);
      tokens.push({ type: 'phrase', text: inner, negated, ...(field && { field }) });
      i += start + (close < 0 ? body.length : close + 1);
      continue;
    }
    if (body[0] === '(') {
      tokens.push({ type: 'open', negated, ...(field && { field }) });
      i += start + 1;
      continue;
    }
    const word = /^[^\s()"]+/.exec(body)?.[0] ?? body[0]!;
    i += start + word.length;
    if (!negated && !field && (word === 'OR' || word === '|')) tokens.push({ type: 'or' });
    else if (!negated && !field && word === 'AND') tokens.push({ type: 'and' });
    else if (!negated && !field && word === 'NOT') tokens.push({ type: 'not' });
    else tokens.push({ type: 'word', text: word, negated, ...(field && { field }) });
  }
  return tokens;
}

class Parser {
  private position = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parseOr(): QueryNode | undefined {
    const children: QueryNode[] = [];
    for (;;) {
      const child = this.parseAnd();
      if (child) children.push(child);
      const next = this.tokens[this.position];
      if (next?.type !== 'or') break;
      this.position += 1;
    }
    return children.length <= 1 ? children[0] : { kind: 'or', children };
  }

  private parseAnd(): QueryNode | undefined {
    const children: QueryNode[] = [];
    let negateNext = false;
    for (;;) {
      const token = this.tokens[this.position];
      if (!token || token.type === 'or' || (token.type === 'close' && this.depth > 0)) break;
      this.position += 1;
      if (token.type === 'and' || token.type === 'close') continue; // a stray ")" is ignored
      if (token.type === 'not') { negateNext = true; continue; }
      const node = this.parsePrimary(token);
      const negated = negateNext !== ('negated' in token && token.negated);
      // A group of words inside words means the same as the words: "(time sharing) system".
      if (node && !negated && node.kind === 'and') children.push(...node.children);
      else if (node) children.push(negated ? { kind: 'not', child: node } : node);
      negateNext = false;
    }
    return children.length <= 1 ? children[0] : { kind: 'and', children };
  }

  private parsePrimary(token: Exclude<Token, { type: 'close' | 'or' | 'and' | 'not' }>): QueryNode | undefined {
    if (token.type === 'open') {
      this.depth += 1;
      const inner = this.parseOr();
      this.depth -= 1;
      if (this.tokens[this.position]?.type === 'close') this.position += 1;
      return inner && token.field ? withField(inner, token.field) : inner;
    }
    let text = token.text;
    const prefix = token.type === 'word' && text.endsWith('*');
    if (prefix) text = text.replace(/\*+$/, '');
    // Only letters and digits are searchable; "--", "?" or an emoji alone mean nothing.
    if (words(text).length === 0) return undefined;
    return { kind: 'term', text, prefix, phrase: token.type === 'phrase' || words(text).length > 1, ...(token.field && { field: token.field }) };
  }
}

function withField(node: QueryNode, field: Field): QueryNode {
  switch (node.kind) {
    case 'term': return { ...node, field: node.field ?? field };
    case 'not': return { kind: 'not', child: withField(node.child, field) };
    default: return { kind: node.kind, children: node.children.map((child) => withField(child, field)) };
  }
}

function countTerms(node: QueryNode): number {
  if (node.kind === 'term') return 1;
  if (node.kind === 'not') return countTerms(node.child);
  return node.children.reduce((sum, child) => sum + countTerms(child), 0);
}

/** True when the node can match something on its own (it is not only exclusions). */
function hasPositive(node: QueryNode): boolean {
  if (node.kind === 'term') return true;
  if (node.kind === 'not') return false;
  if (node.kind === 'or') return node.children.every(hasPositive);
  return node.children.some(hasPositive);
}

/**
 * Drops stop words from a list of bare words ("what is the …"), which FTS5 would otherwise
 * require; a query of stop words only keeps them.
 */
export function withoutStopWords(node: QueryNode): QueryNode {
  if (node.kind !== 'and') return node;
  const kept = node.children.filter((child) => !(child.kind === 'term' && !child.phrase && !child.prefix && STOP_WORDS.has(child.text.toLowerCase())));
  if (!kept.some(hasPositive)) return node;
  return kept.length === 1 ? kept[0]! : { kind: 'and', children: kept };
}

/**
 * For a plain list of words and phrases (no OR, groups or fields), the queries for papers with
 * some but not all of them, and, reading the list as a description, with any of its words
 * (`anyWord`). Undefined otherwise.
 */
export function looseQuery(node: QueryNode): { anyWord: QueryNode; some: QueryNode; words: number } | undefined {
  if (node.kind !== 'and') return undefined;
  // Fields say the user wants precision: only bare words and phrases are loosened.
  const positive = node.children.filter((child) => child.kind === 'term' && !child.field);
  const negative = node.children.filter((child) => child.kind === 'not');
  if (positive.length < 2 || positive.length + negative.length !== node.children.length) return undefined;
  const described = positive.flatMap(phraseWords);
  return {
    anyWord: { kind: 'and', children: [{ kind: 'or', children: described.length > 0 ? described : positive }, ...negative] },
    some: { kind: 'and', children: [{ kind: 'or', children: positive }, { kind: 'not', child: { kind: 'and', children: positive } }, ...negative] },
    words: positive.length,
  };
}

/**
 * A phrase's content words as separate words; a word or a prefix phrase stays as it is. In a
 * description, "time-sharing" or a quoted title is more words about the topic, not a sequence
 * every paper must contain; kept whole, it would send the query to FTS5 and rank fewer papers.
 * A phrase without content words ("e.g.", "to be") says nothing about the topic and is dropped,
 * as stop words are.
 */
function phraseWords(term: QueryNode): QueryNode[] {
  if (term.kind !== 'term' || !term.phrase || term.prefix) return [term];
  return words(term.text).filter(isContentWord).map((word) => ({ kind: 'term', text: word, prefix: false, phrase: false }));
}

/** What highlighting looks for: each searched word, stemmed, or as a prefix. */
export interface HighlightTerm {
  stem: string;
  prefix: boolean;
  field?: Field;
}

/** The words of a query that a matching paper contains (excluded words are not highlighted). */
export function highlightTerms(node: QueryNode | undefined): HighlightTerm[] {
  if (!node) return [];
  if (node.kind === 'not') return [];
  if (node.kind !== 'term') return node.children.flatMap(highlightTerms);
  const parts = words(node.text);
  return parts.map((word, index) => ({
    stem: node.prefix && index === parts.length - 1 ? word : stem(word),
    prefix: node.prefix && index === parts.length - 1,
    ...(node.field && { field: node.field }),
  }));
}

/** The query as plain text for semantic search: its searched words, without syntax or exclusions. */
export function semanticText(node: QueryNode | undefined): string {
  if (!node || node.kind === 'not') return '';
  if (node.kind === 'term') return node.field === 'authors' || node.field === 'categories' ? '' : node.text;
  return node.children.map(semanticText).filter(Boolean).join(' ');
}
