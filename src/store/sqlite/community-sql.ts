/** The schema and every SQL statement of the community features (src/community) on SQLite, named. */

/**
 * Accounts, magic links, sessions, upvotes (as events plus the standing state), follows, "not
 * interested" marks and collections. Secrets (magic-link tokens, session ids) are stored only as
 * SHA-256 hashes, so a copy of the database signs no one in.
 */
export const COMMUNITY_1 = `
  CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    -- The digest subscription of the same address, once the account has signed in with it.
    subscriber_id INTEGER REFERENCES subscribers (id) ON DELETE SET NULL
  );

  CREATE TABLE magic_links (
    token_hash TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
  ) WITHOUT ROWID;
  CREATE INDEX magic_links_by_email ON magic_links (email, created_at);

  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  ) WITHOUT ROWID;

  -- Every vote and unvote, in order: trending counts the votes cast inside a window from these.
  CREATE TABLE vote_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL,
    paper_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('vote', 'unvote')),
    at TEXT NOT NULL
  );
  CREATE INDEX vote_events_by_time ON vote_events (at);
  CREATE INDEX vote_events_by_voter ON vote_events (account_id, paper_id, seq);

  -- The standing votes: one per account and paper, which is what makes a second vote a no-op.
  CREATE TABLE votes (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    paper_id TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (account_id, paper_id)
  ) WITHOUT ROWID;
  CREATE INDEX votes_by_paper ON votes (paper_id);

  CREATE TABLE account_follows (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    follow TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (account_id, key)
  ) WITHOUT ROWID;

  CREATE TABLE not_interested (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    paper_id TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (account_id, paper_id)
  ) WITHOUT ROWID;

  CREATE TABLE collections (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    public INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
  );
  CREATE INDEX collections_by_account ON collections (account_id);

  CREATE TABLE collection_papers (
    collection_id INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    paper_id TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (collection_id, paper_id)
  ) WITHOUT ROWID;
`;

const COLLECTION_COLUMNS = `c.id, c.key, c.account_id AS accountId, c.name, c.public, c.created_at AS createdAt,
  (SELECT count(*) FROM collection_papers cp WHERE cp.collection_id = c.id) AS papers`;

export const COMMUNITY_SQL = {
  insertMagicLink: `INSERT INTO magic_links (token_hash, email, created_at, expires_at) VALUES (?, ?, ?, ?)`,
  recentMagicLinks: `SELECT count(*) AS n FROM magic_links WHERE email = ? AND created_at > ?`,
  // One statement, so two clicks at once cannot both sign in: the link is spent by whoever wins.
  consumeMagicLink: `
    UPDATE magic_links SET used_at = @now
    WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @now
    RETURNING email`,
  magicLinkState: `SELECT used_at AS usedAt, expires_at AS expiresAt FROM magic_links WHERE token_hash = ?`,
  pruneMagicLinks: `DELETE FROM magic_links WHERE expires_at <= ?`,

  insertAccount: `INSERT INTO accounts (email, created_at) VALUES (?, ?) ON CONFLICT (email) DO NOTHING`,
  accountByEmail: `SELECT id, email, created_at AS createdAt, subscriber_id AS subscriberId FROM accounts WHERE email = ?`,
  accountById: `SELECT id, email, created_at AS createdAt, subscriber_id AS subscriberId FROM accounts WHERE id = ?`,
  linkSubscriber: `
    UPDATE accounts SET subscriber_id = (SELECT id FROM subscribers WHERE email = accounts.email)
    WHERE id = ? RETURNING subscriber_id AS subscriberId`,

  insertSession: `INSERT INTO sessions (id_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
  sessionAccount: `SELECT account_id AS accountId FROM sessions WHERE id_hash = ? AND expires_at > ?`,
  deleteSession: `DELETE FROM sessions WHERE id_hash = ?`,

  insertVote: `INSERT INTO votes (account_id, paper_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
  deleteVote: `DELETE FROM votes WHERE account_id = ? AND paper_id = ?`,
  insertVoteEvent: `INSERT INTO vote_events (account_id, paper_id, kind, at) VALUES (?, ?, ?, ?)`,
  hasVoted: `SELECT 1 FROM votes WHERE account_id = ? AND paper_id = ?`,
  voteCount: `SELECT count(*) AS n FROM votes WHERE paper_id = ?`,
  // Rowids join the search subsystem's vectors; papers since removed drop out.
  votedPapers: `
    SELECT v.paper_id AS paperId, p.rowid AS rowid FROM votes v JOIN papers p ON p.id = v.paper_id
    WHERE v.account_id = ? ORDER BY v.at DESC`,

  follows: `SELECT follow FROM account_follows WHERE account_id = ? ORDER BY created_at, key`,
  countFollows: `SELECT count(*) AS n FROM account_follows WHERE account_id = ?`,
  insertFollow: `INSERT INTO account_follows (account_id, key, follow, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  deleteFollow: `DELETE FROM account_follows WHERE account_id = ? AND key = ?`,

  insertNotInterested: `INSERT INTO not_interested (account_id, paper_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
  deleteNotInterested: `DELETE FROM not_interested WHERE account_id = ? AND paper_id = ?`,
  notInterested: `
    SELECT n.paper_id AS paperId, p.rowid AS rowid FROM not_interested n JOIN papers p ON p.id = n.paper_id
    WHERE n.account_id = ?`,

  insertCollection: `INSERT INTO collections (key, account_id, name, public, created_at) VALUES (?, ?, ?, ?, ?)`,
  countCollections: `SELECT count(*) AS n FROM collections WHERE account_id = ?`,
  collectionsOf: `SELECT ${COLLECTION_COLUMNS} FROM collections c WHERE c.account_id = ? ORDER BY c.created_at, c.id`,
  collectionByKey: `SELECT ${COLLECTION_COLUMNS} FROM collections c WHERE c.key = ?`,
  updateCollection: `UPDATE collections SET name = @name, public = @public WHERE id = @id`,
  deleteCollection: `DELETE FROM collections WHERE id = ?`,
  addToCollection: `INSERT INTO collection_papers (collection_id, paper_id, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
  removeFromCollection: `DELETE FROM collection_papers WHERE collection_id = ? AND paper_id = ?`,
  countInCollection: `SELECT count(*) AS n FROM collection_papers WHERE collection_id = ?`,
  collectionPaperIds: `SELECT paper_id AS paperId FROM collection_papers WHERE collection_id = ? ORDER BY added_at DESC, paper_id LIMIT ?`,
  savedPapers: `
    SELECT DISTINCT cp.paper_id AS paperId, p.rowid AS rowid
    FROM collections c JOIN collection_papers cp ON cp.collection_id = c.id JOIN papers p ON p.id = cp.paper_id
    WHERE c.account_id = ?`,

  // The candidates of "For you": papers that entered attention in (start, end], newest first.
  recentCandidates: `
    SELECT p.rowid AS rowid, p.id AS id, coalesce(p.featured_at, p.published) AS since, p.doc AS doc
    FROM papers p
    WHERE coalesce(p.featured_at, p.published) > @start AND coalesce(p.featured_at, p.published) <= @end AND p.withdrawn = 0
    ORDER BY coalesce(p.featured_at, p.published) DESC, p.id DESC LIMIT @limit`,
  catalogVersion: `SELECT coalesce(max(seq), 0) AS seq FROM changes`,
} as const;
