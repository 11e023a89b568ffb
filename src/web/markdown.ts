import { absUrl, pdfUrl, type Paper } from '../catalog/paper.js';
import type { PaperCounts } from './ports.js';
import { oneLine } from './views/text.js';

// Markdown renderers pass HTML through, so angle brackets and ampersands from sources are
// escaped; brackets are escaped so text cannot form links.
const md = (text: string) => text.replace(/[\\`*_[\]<>&]/g, (char) => (char === '<' ? '&lt;' : char === '>' ? '&gt;' : char === '&' ? '&amp;' : `\\${char}`));

/** A paper as a Markdown document, for `GET /papers/{id}.md`. LaTeX is left as written. */
export function markdownOf(paper: Paper, counts: PaperCounts | undefined): string {
  const lines = [
    `# ${md(oneLine(paper.title))}`,
    '',
    `**Authors:** ${paper.authors.map((author) => md(author.name)).join(', ')}`,
    '',
    `**Published:** ${paper.published.slice(0, 10)} · **Updated:** ${paper.updated.slice(0, 10)} · **Categories:** ${paper.categories.map(md).join(', ')}`,
  ];
  if (!paper.id.startsWith('pf:')) lines.push('', `**arXiv:** [${paper.id}](${absUrl(paper.id)}) · [PDF](${pdfUrl(paper.id)})`);
  if (counts?.upvotes != null) lines.push('', `**Upvotes:** ${counts.upvotes}`);
  if (paper.withdrawn) lines.push('', '**This paper has been withdrawn.**');
  lines.push('', '## Abstract', '', md(paper.abstract.trim()), '');
  return lines.join('\n');
}
