import type { Author } from '../catalog/paper.js';
import { collapseWhitespace } from './text.js';

/** One stretch of an author line: a name, or the text of a top-level parenthesis. */
type Piece = { kind: 'name' | 'group'; text: string };

interface Draft {
  name: string;
  affiliations: string[];
  /** Numbers that point into an enumerated affiliation list, e.g. `(1,2)`. */
  references: string[];
}

const ET_AL = /^et\.? al\.?$/i;
const SUFFIX = /^(?:Jr|Sr)\.?$|^(?:II|III|IV)$/;
const COLLABORATION = /\b(?:collaborations?|group|team|consortium)\b/i;
// "The CMS and LHCb Collaborations: A. Person, ..." names the collaboration before the colon.
const LEADING_COLLABORATION = /^([^,:;()]*\bcollaborations?\b[^,:;()]*):/i;
// What may follow an affiliation: a separator, another parenthesis, or the end of the line.
const AFTER_AFFILIATION = /^\s*(?:$|[,:;(]|and\s|&\s)/;
const REFERENCES = /^\d+(?:\s*(?:,|and|&)\s*\d+)*$/;
// An enumerated list starts with a number: "(1) Univ. A, (2) Univ. B" or "1 - Univ. A; 2 - Univ. B".
const ENUMERATION = /^(?:\(\d+\)|\d+\s*[-:)]?\s)/;
// A parenthesised number anywhere, or a bare one at the start or after "," or ";".
const ENUMERATION_MARK = /\s*\((\d+)\)\s*:?\s*|(?:^|[,;])\s*(\d+)\s*[-:)]?\s+/g;

/**
 * Splits an arXiv author line into authors, the way arXiv reads its own `Authors:` lines: names
 * are separated by commas, colons, semicolons, "and" and "&"; a parenthesis after a name holds
 * that author's affiliation, or numbers pointing into an enumerated list given at the end as
 * `((1) Univ. A, (2) Univ. B)`; "et al" is dropped; a suffix such as "Jr." stays with its name.
 * As on arXiv, an author without an affiliation shares that of the next author who has one
 * ("A, B (MIT)" means both are at MIT), except collaboration names. Names keep their TeX.
 *
 * @example parseAuthors('A. Smith and B. M\\"uller (Bonn)') // [{ name: 'A. Smith', affiliations: ['Bonn'] }, { name: 'B. M\\"uller', affiliations: ['Bonn'] }]
 */
export function parseAuthors(line: string): Author[] {
  const drafts: Draft[] = [];
  const enumerated = new Map<string, string>();
  const tidy = collapseWhitespace(line);
  const collaboration = LEADING_COLLABORATION.exec(tidy);
  const pieces = splitAuthorLine(collaboration ? tidy.slice(collaboration[0].length) : tidy);
  if (collaboration) pieces.unshift({ kind: 'name', text: collaboration[1]!.trim() });
  for (const piece of pieces) {
    const current = drafts.at(-1);
    if (piece.kind === 'name') {
      if (ET_AL.test(piece.text)) continue;
      if (current && SUFFIX.test(piece.text)) current.name += `, ${piece.text}`;
      else drafts.push({ name: piece.text, affiliations: [], references: [] });
    } else if (REFERENCES.test(piece.text)) {
      current?.references.push(...(piece.text.match(/\d+/g) ?? []));
    } else if (ENUMERATION.test(piece.text)) {
      for (const [number, affiliation] of readEnumeration(piece.text)) enumerated.set(number, affiliation);
    } else if (piece.text) {
      current?.affiliations.push(piece.text);
    }
  }

  for (const draft of drafts) {
    for (const number of draft.references) {
      const affiliation = enumerated.get(number);
      if (affiliation && !draft.affiliations.includes(affiliation)) draft.affiliations.push(affiliation);
    }
  }

  let later: string[] = [];
  for (const draft of drafts.slice().reverse()) {
    if (draft.affiliations.length > 0) later = draft.affiliations;
    else if (!COLLABORATION.test(draft.name)) draft.affiliations = later;
  }

  return drafts.map(({ name, affiliations }) => (affiliations.length > 0 ? { name, affiliations: affiliations.slice() } : { name }));
}

/**
 * Cuts a line into names and top-level parentheses. Separators inside TeX braces or inside a
 * parenthesis do not split, so `{\"o}` and "(Valencia U. & IFIC)" survive whole.
 */
function splitAuthorLine(line: string): Piece[] {
  const pieces: Piece[] = [];
  let name = '';
  let group = '';
  let parens = 0;
  let braces = 0;
  const endName = () => {
    if (name.trim()) pieces.push({ kind: 'name', text: name.trim() });
    name = '';
  };

  for (let at = 0; at < line.length; at += 1) {
    const char = line[at]!;
    if (parens > 0) {
      if (char === '(') parens += 1;
      if (char === ')') parens -= 1;
      if (parens > 0) {
        group += char;
      } else if (AFTER_AFFILIATION.test(line.slice(at + 1))) {
        endName();
        pieces.push({ kind: 'group', text: group.trim() });
        group = '';
      } else {
        // A parenthesis followed by more of the name is part of it: "Zhe (Rita) Liang".
        name += `(${group})`;
        group = '';
      }
    } else if (braces === 0 && char === '(') {
      parens = 1;
    } else if (braces === 0 && (char === ',' || char === ':' || char === ';')) {
      endName();
    } else if (braces === 0 && line.startsWith(' and ', at)) {
      endName();
      at += ' and'.length;
    } else if (braces === 0 && line.startsWith(' & ', at)) {
      endName();
      at += ' &'.length;
    } else {
      if (char === '{') braces += 1;
      if (char === '}' && braces > 0) braces -= 1;
      name += char;
    }
  }
  endName();
  // An unclosed parenthesis at the end of a truncated line still holds an affiliation.
  if (group.trim()) pieces.push({ kind: 'group', text: group.trim() });
  return pieces;
}

/** Reads "(1) Univ. A, (2) Univ. B" into number → affiliation. */
function readEnumeration(text: string): Map<string, string> {
  const marks = [...text.matchAll(ENUMERATION_MARK)];
  const entries = new Map<string, string>();
  marks.forEach((mark, index) => {
    const start = mark.index + mark[0].length;
    const end = marks[index + 1]?.index ?? text.length;
    const affiliation = text.slice(start, end).replace(/[\s,;]+$/, '');
    if (affiliation) entries.set(mark[1] ?? mark[2]!, affiliation);
  });
  return entries;
}
