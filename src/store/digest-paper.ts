import { z } from 'zod';
import type { DigestPaper } from '../digest/compose.js';

/** The fields of a stored paper document that a digest shows. */
const StoredPaper = z.object({
  title: z.string(),
  abstract: z.string(),
  authors: z.array(z.object({ name: z.string() })),
  categories: z.array(z.string()),
  codeUrl: z.string().optional(),
});

/**
 * A paper as a digest lists it, from its stored document (already parsed from JSON), parsed at
 * the edge so a row that no longer fits the model fails here. Shared by both adapters.
 */
export function toDigestPaper(id: string, doc: unknown, upvotes: number): DigestPaper {
  const paper = StoredPaper.parse(doc);
  return {
    id,
    title: paper.title,
    abstract: paper.abstract,
    authors: paper.authors.map((author) => author.name),
    categories: paper.categories,
    ...(paper.codeUrl && { codeUrl: paper.codeUrl }),
    upvotes,
  };
}
