/** The named SQL of the web's read port (see `src/web/ports.ts`). */
export const WEB_SQL = {
  // Changes to papers bump `seq`; new upvote observations move the newest signal time; our
  // votes and unvotes bump the vote event seq. All are index seeks, so checking the version on
  // every request is cheap.
  dataVersion: `
    SELECT (SELECT coalesce(max(seq), 0) FROM changes) AS seq,
           (SELECT coalesce(max(observed_at), '') FROM signals WHERE kind = 'upvotes') AS signalAt,
           (SELECT coalesce(max(seq), 0) FROM vote_events) AS voteSeq`,

  featuredCount: `SELECT count(*) AS n FROM papers WHERE featured_at >= @start AND featured_at < @end`,
  // Hugging Face's "trending" order of a day: most upvoted first.
  featuredByUpvotes: `
    SELECT id, doc FROM papers
    WHERE featured_at >= @start AND featured_at < @end
    ORDER BY coalesce((SELECT value FROM signals s WHERE s.paper_id = papers.id AND s.kind = 'upvotes'
                       ORDER BY s.observed_at DESC LIMIT 1), 0) DESC, featured_at DESC, id DESC
    LIMIT @limit OFFSET @offset`,
  featuredByPublished: `
    SELECT id, doc FROM papers
    WHERE featured_at >= @start AND featured_at < @end
    ORDER BY published DESC, id DESC
    LIMIT @limit OFFSET @offset`,
  featuredBefore: `SELECT max(featured_at) AS at FROM papers WHERE featured_at < ?`,
  featuredFrom: `SELECT min(featured_at) AS at FROM papers WHERE featured_at >= ?`,
  newestFeatured: `SELECT max(featured_at) AS at FROM papers WHERE featured_at IS NOT NULL`,

  signalsOf: `SELECT kind, observed_at AS observedAt, value FROM signals WHERE paper_id = ? ORDER BY observed_at`,
  // Every observation of a list of papers (ids as one JSON array), oldest first; an index seek
  // per id, where correlated subqueries over json_each scanned the whole table.
  signalsOfMany: `
    SELECT paper_id AS paperId, kind, value FROM signals
    WHERE paper_id IN (SELECT value FROM json_each(?))
    ORDER BY observed_at`,

  votesOfMany: `
    SELECT paper_id AS paperId, count(*) AS n FROM votes
    WHERE paper_id IN (SELECT value FROM json_each(?))
    GROUP BY paper_id`,

  categoryCount: `SELECT count(*) AS n FROM paper_categories WHERE category = ?`,
  papersInCategory: `
    SELECT p.id, p.doc FROM paper_categories c JOIN papers p ON p.rowid = c.paper_rowid
    WHERE c.category = @category
    ORDER BY p.published DESC, p.id DESC
    LIMIT @limit OFFSET @offset`,
  categories: `SELECT category, count(*) AS papers FROM paper_categories GROUP BY category ORDER BY papers DESC, category`,

  // The full-text index narrows an author's papers to those whose author list holds the name's
  // words; the exact name is then checked on the paper itself.
  papersByAuthorWords: `
    SELECT p.id, p.doc FROM fulltext.papers_fts f JOIN papers p ON p.rowid = f.rowid
    WHERE papers_fts MATCH ?
    ORDER BY p.published DESC, p.id DESC
    LIMIT 2000`,
} as const;
