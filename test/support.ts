import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp, type App } from '../src/app.js';
import { main } from '../src/cli/main.js';
import type { Io } from '../src/cli/command.js';

/** A fixture file's absolute path. */
export const fixture = (...parts: string[]) => fileURLToPath(new URL(`./fixtures/${parts.join('/')}`, import.meta.url));

/** A fresh temporary folder, removed by `cleanup`. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'paperfeed-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The real application on a fresh SQLite file. */
export function tempApp(): App & { dbFile: string; cleanup: () => void } {
  const { dir, cleanup } = tempDir();
  const dbFile = join(dir, 'paperfeed.db');
  const app = createApp({ dbFile, port: 0 });
  return { ...app, dbFile, cleanup: () => { app.close(); cleanup(); } };
}

/** Runs the CLI in-process and captures what it printed. */
export async function runCli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (line) => out.push(line), err: (line) => err.push(line), isTty: false };
  const code = await main(args, io);
  return { code, out, err };
}
