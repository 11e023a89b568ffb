import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openPostgres } from '../../src/store/postgres/database.js';
import { PostgresRateLimiter } from '../../src/store/postgres/rate-limiter.js';
import { openSqlite } from '../../src/store/sqlite/database.js';
import { SqliteRateLimiter } from '../../src/store/sqlite/rate-limiter.js';
import type { RateLimiter } from '../../src/web/ports.js';
import type { RateLimits } from '../../src/web/rate-limit.js';
import { dropSchema, freshSchema, testDatabaseUrl } from '../postgres.js';
import { tempDir } from '../support.js';

/** Two nodes' limiter factories on one fresh database, and its removal. */
interface Shared {
  nodes: [(scope: string, limits: RateLimits) => RateLimiter, (scope: string, limits: RateLimits) => RateLimiter];
  cleanup(): Promise<void>;
}

const backends: Record<string, () => Promise<Shared>> = {
  async sqlite() {
    const { dir, cleanup } = tempDir();
    const dbs = [openSqlite(join(dir, 'paperfeed.db')), openSqlite(join(dir, 'paperfeed.db'))] as const;
    return {
      nodes: [(scope, limits) => new SqliteRateLimiter(dbs[0], scope, limits), (scope, limits) => new SqliteRateLimiter(dbs[1], scope, limits)],
      async cleanup() { for (const db of dbs) db.close(); cleanup(); },
    };
  },
  async postgres() {
    const url = await testDatabaseUrl();
    const schema = freshSchema();
    const dbs = [openPostgres(url, { schema }), openPostgres(url, { schema })] as const;
    return {
      nodes: [(scope, limits) => new PostgresRateLimiter(dbs[0], scope, limits), (scope, limits) => new PostgresRateLimiter(dbs[1], scope, limits)],
      async cleanup() { for (const db of dbs) await db.close(); await dropSchema(url, schema); },
    };
  },
};

const at = (second: number) => new Date(Date.UTC(2026, 10, 28, 7, 0, second));

for (const [name, open] of Object.entries(backends)) {
  describe(`the rate limiter on ${name}`, () => {
    test('a burst, then 429 with the wait until the next token, then refilled over time', async () => {
      const shared = await open();
      try {
        const limiter = shared.nodes[0]('api', { perMinute: 6, burst: 2 });
        assert.deepEqual(await limiter.hit('1.2.3.4', at(0)), { allowed: true, retryAfterSeconds: 0, remaining: 1, limit: 2 });
        assert.deepEqual(await limiter.hit('1.2.3.4', at(0)), { allowed: true, retryAfterSeconds: 0, remaining: 0, limit: 2 });
        assert.deepEqual(await limiter.hit('1.2.3.4', at(1)), { allowed: false, retryAfterSeconds: 9, remaining: 0, limit: 2 });
        assert.equal((await limiter.hit('5.6.7.8', at(1))).allowed, true, 'another address has its own bucket');
        assert.equal((await limiter.hit('1.2.3.4', at(10))).allowed, true, 'one token back after 10 s');
        assert.equal((await limiter.hit('1.2.3.4', at(10))).allowed, false);
        assert.equal((await shared.nodes[0]('feeds', { perMinute: 6, burst: 2 }).hit('1.2.3.4', at(10))).allowed, true, 'another scope has its own buckets');
      } finally {
        await shared.cleanup();
      }
    });

    test('two nodes hitting at once share one bucket: exactly the burst gets through', async () => {
      const shared = await open();
      try {
        const limits = { perMinute: 1 / 60, burst: 10 };
        const [one, two] = [shared.nodes[0]('api', limits), shared.nodes[1]('api', limits)];
        const decisions = await Promise.all(Array.from({ length: 30 }, (_, index) => (index % 2 ? one : two).hit('1.2.3.4', at(0))));
        assert.equal(decisions.filter((decision) => decision.allowed).length, 10);
      } finally {
        await shared.cleanup();
      }
    });

    test('a busy client takes tokens in chunks: one node lets exactly the burst through, two never more', async () => {
      const shared = await open();
      try {
        const limits = { perMinute: 1 / 60, burst: 120 };
        const alone = shared.nodes[0]('alone', limits);
        let allowed = 0;
        for (let i = 0; i < 200; i += 1) if ((await alone.hit('1.2.3.4', at(0))).allowed) allowed += 1;
        assert.equal(allowed, 120);

        const [one, two] = [shared.nodes[0]('api', limits), shared.nodes[1]('api', limits)];
        allowed = 0;
        for (let i = 0; i < 400; i += 1) if ((await (i % 7 < 4 ? one : two).hit('1.2.3.4', at(0))).allowed) allowed += 1;
        assert.ok(allowed <= 120, `${allowed} got through`);
        // Each node may hold at most a chunk (a tenth of the burst) that the other cannot spend.
        assert.ok(allowed >= 120 - 2 * 12, `only ${allowed} got through`);
      } finally {
        await shared.cleanup();
      }
    });
  });
}
