/**
 * The named SQL of the web's read port on PostgreSQL (see `src/web/ports.ts`). Ids and
 * categories sort by code point (COLLATE "C"), as SQLite sorts them, whatever the database's
 * collation.
 */
export const WEB_SQL = {
  // Changes to papers bump `seq`; new upvote observations move the newest signal time; our
  // votes and unvotes bump the vote event seq. All are index reads, so checking the version on
  // every request is cheap.
  dataVersion: `
    SELECT (SELECT coalesce(max(seq), 0) FROM changes) AS seq,
           (SELECT max(observed_at) FROM signals WHERE kind = 'upvotes') AS "signalAt",
           (SELECT coalesce(max(seq), 0) FROM vote_events) AS "voteSeq"`,

  featuredCount: `SELECT count(*)::int AS n FROM papers WHERE featured_at >= $1 AND featured_at < $2`,
  // Hugging Face's "trending" order of a day: most upvoted first.
  featuredByUpvotes: `
    SELECT id, doc FROM papers
    WHERE featured_at >= $1 AND featured_at < $2
    ORDER BY coalesce((SELECT value FROM signals s WHERE s.paper_id = papers.id AND s.kind = 'upvotes'
                       ORDER BY s.observed_at DESC LIMIT 1), 0) DESC, featured_at DESC, id COLLATE "C" DESC
    LIMIT $4 OFFSET $3`,
  featuredByPublished: `
    SELECT id, doc FROM papers
    WHERE featured_at >= $1 AND featured_at < $2
    ORDER BY published DESC, id COLLATE "C" DESC
    LIMIT $4 OFFSET $3`,
  featuredBefore: `SELECT max(featured_at) AS at FROM papers WHERE featured_at < $1`,
  featuredFrom: `SELECT min(featured_at) AS at FROM papers WHERE featured_at >= $1`,
  newestFeatured: `SELECT max(featured_at) AS at FROM papers`,

  signalsOf: `
    SELECT kind, observed_at AS "observedAt", value FROM signals WHERE paper_id = $1
    ORDER BY observed_at, source COLLATE "C", kind COLLATE "C"`,
  // Every observation of a list of papers, oldest first.
  signalsOfMany: `
    SELECT paper_id AS "paperId", kind, value FROM signals
    WHERE paper_id = ANY($1::text[])
    ORDER BY observed_at, source COLLATE "C"`,

  votesOfMany: `
    SELECT paper_id AS "paperId", count(*)::int AS n FROM votes
    WHERE paper_id = ANY($1::text[])
    GROUP BY paper_id`,

  categoryCount: `SELECT count(*)::int AS n FROM paper_categories WHERE category = $1`,
  papersInCategory: `
    SELECT p.id, p.doc FROM paper_categories c JOIN papers p ON p.id = c.paper_id
    WHERE c.category = $1
    ORDER BY p.published DESC, p.id COLLATE "C" DESC
    LIMIT $3 OFFSET $2`,
  categories: `
    SELECT category, count(*)::int AS papers FROM paper_categories
    GROUP BY category ORDER BY papers DESC, category COLLATE "C"`,

  // The full-text vector narrows an author's papers to those whose author list holds the
  // name's words ($1, a tsquery); the exact name is then checked on the paper itself.
  papersByAuthorWords: `
    SELECT p.id, p.doc FROM papers p JOIN paper_search s ON s.paper_rowid = p.rowid
    WHERE s.search @@ to_tsquery('english', $1)
    ORDER BY p.published DESC, p.id COLLATE "C" DESC
    LIMIT 2000`,
} as const;
