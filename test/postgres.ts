import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Where Debian's postgresql-15 package puts its server binaries. */
const BIN = '/usr/lib/postgresql/15/bin';

let server: Promise<string> | undefined;
let schemas = 0;

/**
 * A PostgreSQL server for tests: `PAPERFEED_TEST_DATABASE_URL` when set, else a throwaway
 * cluster started from the machine's postgresql-15 binaries in a temp folder, on 127.0.0.1 and a
 * free port, and stopped when the test process exits. Anything missing fails the tests loudly: a
 * Postgres run must never turn into a skip.
 */
export function testDatabaseUrl(): Promise<string> {
  server ??= process.env.PAPERFEED_TEST_DATABASE_URL
    ? Promise.resolve(process.env.PAPERFEED_TEST_DATABASE_URL)
    : startThrowawayCluster();
  return server;
}

/** A fresh schema name, unique to this process, so each test starts from an empty catalog. */
export function freshSchema(): string {
  schemas += 1;
  return `test_${process.pid}_${schemas}`;
}

/** Drops a schema made by {@link freshSchema} and everything in it. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Starts a throwaway cluster (as {@link testDatabaseUrl} describes) and returns its URL; the
 * benches use it too when no server is configured.
 */
export async function startThrowawayCluster(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'paperfeed-pg-'));
  // initdb refuses to run as root, and CI runs as root: the cluster belongs to the postgres user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  const run = (command: string, args: string[]) => execFileSync(asRoot ? 'runuser' : join(BIN, command), asRoot ? ['-u', 'postgres', '--', join(BIN, command), ...args] : args, { stdio: 'pipe' });
  const data = join(dir, 'data');
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  run('pg_ctl', ['-D', data, '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off`, '-l', join(dir, 'log'), '-w', 'start']);
  const stop = () => {
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // On exit, not in a test hook: the cluster serves every test of the file, whichever starts it.
  process.once('exit', stop);
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
