import { z } from 'zod';
import type { DigestPaper } from '../digest/compose.js';
import { PreferencesSchema, type Preferences } from '../digest/subscription.js';
import { PaperfeedError } from '../errors.js';

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

/** A subscriber's stored preferences (already parsed from JSON); a row that no longer fits the model is an error here, not a crash later. */
export function toPreferences(subscriberId: number, stored: unknown): Preferences {
  const parsed = PreferencesSchema.safeParse(stored);
  if (!parsed.success) throw new PaperfeedError('internal', `subscriber ${subscriberId}: stored preferences are invalid: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}
