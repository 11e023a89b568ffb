import { PaperfeedError } from '../errors.js';

/** An arXiv identifier split into its canonical (version-less) id and optional version. */
export interface ArxivId {
  id: string;
  version?: number;
}

// New style since 2007-04: YYMM.NNNN (to 2014-12) or YYMM.NNNNN (from 2015-01).
const NEW_STYLE = /^(\d{4}\.\d{4,5})(?:v(\d+))?$/;
// Old style: archive(.SUBJ)?/YYMMNNN, e.g. hep-th/9901001, math.AG/0202001.
const OLD_STYLE = /^([a-z]+(?:-[a-z]+)?)(?:\.[A-Z]{2})?\/(\d{7})(?:v(\d+))?$/;
const PREFIXES = /^(?:https?:\/\/(?:export\.)?arxiv\.org\/(?:abs|pdf)\/|oai:arXiv\.org:|arXiv:)/i;

/**
 * Parses any form of arXiv id that sources send — `2503.11731v2`, `arXiv:hep-th/9901001`,
 * `oai:arXiv.org:math.AG/0202001`, `https://arxiv.org/abs/1401.2122v5` — into its canonical id
 * without version. Old-style ids drop the subject class (`math.AG/0202001` → `math/0202001`)
 * because arXiv identifies the paper by archive and number alone.
 *
 * @returns undefined when the text is no arXiv id.
 */
export function parseArxivId(text: string): ArxivId | undefined {
  const bare = text.trim().replace(PREFIXES, '').replace(/\.pdf$/, '');
  const modern = NEW_STYLE.exec(bare);
  if (modern) {
    const [, id, v] = modern;
    return v ? { id: id!, version: Number(v) } : { id: id! };
  }
  const old = OLD_STYLE.exec(bare);
  if (old) {
    const [, archive, number, v] = old;
    const id = `${archive}/${number}`;
    return v ? { id, version: Number(v) } : { id };
  }
  return undefined;
}

/** Like {@link parseArxivId}, but a text that is no arXiv id is a `bad_input` error. */
export function requireArxivId(text: string): ArxivId {
  const parsed = parseArxivId(text);
  if (!parsed) throw new PaperfeedError('bad_input', `unknown id format "${text.slice(0, 80)}"`);
  return parsed;
}

/** True for ids that paperfeed derived from content (listing imports), not arXiv ids. */
export function isContentId(id: string): boolean {
  return id.startsWith('pf:');
}
