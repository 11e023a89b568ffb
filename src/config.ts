import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { PaperfeedError } from './errors.js';
import { resolveMailConfig, type MailConfig } from './mail/config.js';
import { USE_LITE } from './search/embedder.js';

/** Everything the composition root needs to know, resolved once at the edge. */
export interface AppConfig {
  /** SQLite database file; also where the outbox lives. */
  dbFile: string;
  /** A `postgres://` URL: the catalog lives on that PostgreSQL server instead of in `dbFile`. */
  databaseUrl?: string;
  /** Port of the web server. */
  port: number;
  /**
   * `use-lite` (the Universal Sentence Encoder lite bundled with the app) or a local
   * sentence-transformers model folder in ONNX: semantic search and similar papers use it
   * besides the catalog's LSA model.
   */
  embeddingModel?: string;
  /**
   * Where vector indexes are saved, so a large catalog's index is built once per machine rather
   * than at every start. Default: beside the SQLite file; on PostgreSQL, nowhere unless set.
   */
  vectorsDir?: string;
  /** Mail delivery; when absent, the outbox next to the database and links to localhost. */
  mail?: MailConfig;
}

const FileConfig = z.object({
  db: z.string().min(1).optional(),
  databaseUrl: z.string().min(1).optional(),
  port: z.number().int().min(0).max(65535).optional(),
  embeddingModel: z.string().min(1).optional(),
  vectorsDir: z.string().min(1).optional(),
}).strict();

/** Where `paperfeed` looks for a config file when `PAPERFEED_CONFIG` names none. */
const DEFAULT_CONFIG_FILE = 'paperfeed.config.json';

/**
 * Resolves the config with the precedence flag, then `PAPERFEED_*` environment variable, then
 * config file, then default.
 */
export function resolveConfig(flags: { db?: string | undefined; port?: string | undefined }, env: NodeJS.ProcessEnv = process.env): AppConfig {
  const file = readConfigFile(env.PAPERFEED_CONFIG ?? DEFAULT_CONFIG_FILE, env.PAPERFEED_CONFIG !== undefined);
  const port = flags.port ?? env.PAPERFEED_PORT ?? env.PORT ?? (file.port !== undefined ? String(file.port) : '8080');
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) {
    throw new PaperfeedError('usage', `--port: "${port}" is not a port number (0-65535)`);
  }
  const dbFile = resolve(flags.db ?? env.PAPERFEED_DB ?? file.db ?? 'data/paperfeed.db');
  // An explicit --db names a SQLite file, and wins over a configured server.
  const databaseUrl = flags.db === undefined ? env.PAPERFEED_DATABASE_URL ?? file.databaseUrl : undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new PaperfeedError('usage', 'PAPERFEED_DATABASE_URL: not a postgres:// or postgresql:// URL');
  }
  const embeddingModel = env.PAPERFEED_EMBEDDING_MODEL ?? file.embeddingModel;
  const bundled = embeddingModel === USE_LITE;
  if (embeddingModel !== undefined && !bundled && !existsSync(resolve(embeddingModel, 'config.json'))) {
    throw new PaperfeedError('usage', `PAPERFEED_EMBEDDING_MODEL: ${resolve(embeddingModel)} is neither ${USE_LITE} nor a model folder (it has no config.json)`);
  }
  const vectorsDir = env.PAPERFEED_VECTORS_DIR || file.vectorsDir;
  return {
    dbFile, ...(databaseUrl ? { databaseUrl } : {}), port: Number(port),
    ...(vectorsDir ? { vectorsDir: resolve(vectorsDir) } : {}),
    ...(embeddingModel ? { embeddingModel: bundled ? USE_LITE : resolve(embeddingModel) } : {}),
    mail: resolveMailConfig(env, dbFile, Number(port)),
  };
}

function readConfigFile(path: string, required: boolean): z.infer<typeof FileConfig> {
  if (!existsSync(path)) {
    if (required) throw new PaperfeedError('usage', `${path}: config file not found (PAPERFEED_CONFIG)`);
    return {};
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new PaperfeedError('usage', `${path}: invalid JSON: ${(error as Error).message}`);
  }
  const parsed = FileConfig.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PaperfeedError('usage', `${path}: ${issue.path.join('.') || 'config'}: ${issue.message}`);
  }
  return parsed.data;
}
