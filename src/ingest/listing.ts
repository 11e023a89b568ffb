import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { titleKey } from '../catalog/paper.js';
import { eachFile } from './file-source.js';
import { readLines } from './files.js';
import type { Source, SourceItem } from './source.js';
import { collapseWhitespace } from './text.js';

// The banner at the top of a saved trending-papers page, line by line.
const BANNER = new Set(['Get trending papers in your email inbox once a day!', 'Get trending papers in your email inbox!', 'Subscribe']);
// Copying the page glues the "Subscribe" button to the first title: "SubscribeEfficientQAT: ...".
const GLUED_SUBSCRIBE = /^Subscribe(?=[\p{Lu}\p{N}])/u;

/**
 * Reads a plain listing of papers, as copied from a trending-papers page: a title line, then an
 * abstract line, for each paper (folders are searched for `.txt` and `.txt.gz`). The papers have
 * no arXiv ids, so each gets a content id, `pf:` and 16 hex digits of the SHA-256 of its
 * {@link titleKey}, and the import later folds it into the arXiv paper of the same title. They are
 * observed when the file was last modified. A title followed by a blank line or by the end of the
 * file is an error at `path:line`; the banner of a saved page is skipped.
 *
 * @example for await (const item of listingSource(['trending-papers-page.txt'])) console.log(item)
 */
export function listingSource(paths: readonly string[]): Source {
  return eachFile(paths, ['.txt', '.txt.gz'], readListing);
}

/** The content id of a paper known only by its title: `pf:` and 16 hex digits. */
function contentId(title: string): string {
  return `pf:${createHash('sha256').update(titleKey(title)).digest('hex').slice(0, 16)}`;
}

async function* readListing(path: string): AsyncGenerator<SourceItem> {
  const observedAt = (await stat(path)).mtime.toISOString();
  let title: { text: string; line: number } | undefined;
  let inBanner = true;
  const missingAbstract = (at: { line: number }): SourceItem => ({
    error: { ref: `${path}:${at.line}`, reason: 'a title without an abstract line after it' },
  });

  for await (const { line, number } of readLines(path)) {
    let text = line.trim();
    if (inBanner) {
      if (BANNER.has(text)) continue;
      text = text.replace(GLUED_SUBSCRIBE, '');
      inBanner = text === '';
    }
    if (!title) {
      if (text) title = { text: collapseWhitespace(text), line: number };
    } else if (!text) {
      yield missingAbstract(title);
      title = undefined;
    } else {
      yield {
        record: {
          source: 'listing',
          id: contentId(title.text),
          observedAt,
          fields: { title: title.text, abstract: text },
          ref: `${path}:${title.line}`,
        },
      };
      title = undefined;
    }
  }
  if (title) yield missingAbstract(title);
}
