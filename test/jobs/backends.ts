/** The job queue's adapters as the contract tests use them: a fresh shared place, and nodes on it. */
import { join } from 'node:path';
import type { JobQueue } from '../../src/jobs/queue.js';
import { PgBossJobQueue } from '../../src/store/postgres/job-queue.js';
import { openSqlite } from '../../src/store/sqlite/database.js';
import { SqliteJobQueue } from '../../src/store/sqlite/job-queue.js';
import { dropSchema, freshSchema, testDatabaseUrl } from '../postgres.js';
import { tempDir } from '../support.js';

export type BackendKind = 'sqlite' | 'postgres';

/** One database that several nodes share; `where` tells a child process how to reach it. */
export interface SharedQueues {
  where: [BackendKind, string, string];
  /** Another node's queue on the same database (in a test, in the same process). */
  node(): JobQueue;
  /** Stops every node made here and removes the database. */
  cleanup(): Promise<void>;
}

/** A queue on `where`, tuned for tests: idle workers poll twice a second, dead jobs are noticed within a second. */
export function openNode([kind, location, schema]: [BackendKind, string, string]): { queue: JobQueue; close: () => void } {
  if (kind === 'sqlite') {
    const db = openSqlite(location);
    return { queue: new SqliteJobQueue(db, { pollMs: 100 }), close: () => db.close() };
  }
  return { queue: new PgBossJobQueue(location, { schema, maintenanceIntervalSeconds: 1, pollSeconds: 0.5, stopTimeoutMs: 5000 }), close: () => {} };
}

export async function sharedQueues(kind: BackendKind): Promise<SharedQueues> {
  const nodes: ReturnType<typeof openNode>[] = [];
  let where: SharedQueues['where'];
  let remove: () => Promise<void>;
  if (kind === 'sqlite') {
    const { dir, cleanup } = tempDir();
    where = ['sqlite', join(dir, 'paperfeed.db'), ''];
    remove = async () => cleanup();
  } else {
    const url = await testDatabaseUrl();
    const schema = freshSchema();
    where = ['postgres', url, schema];
    remove = () => dropSchema(url, schema);
  }
  return {
    where,
    node() {
      const node = openNode(where);
      nodes.push(node);
      return node.queue;
    },
    async cleanup() {
      await Promise.all(nodes.map((node) => node.queue.stop()));
      for (const node of nodes) node.close();
      await remove();
    },
  };
}
