/**
 * paperfeed's background jobs: digest delivery, OAI-PMH harvest, embeddings and Hugging Face
 * daily papers (upvotes feed trending). Each is a queue with its policy and a recurring
 * schedule; the settings come from `PAPERFEED_*` variables, and a job whose source is not
 * configured is off.
 */
import { z } from 'zod';
import type { App } from '../app.js';
import { importSource, type ImportCounts } from '../catalog/import.js';
import { PaperfeedError } from '../errors.js';
import { parseEnvironment } from '../environment.js';
import { systemClock } from '../ingest/clock.js';
import { hfDailyResponse } from '../ingest/hf-daily.js';
import { politeFetcher } from '../ingest/http.js';
import { harvest } from '../ingest/oai-pmh.js';
import type { Source } from '../ingest/source.js';
import { embedMissing, embedderForCatalog } from '../search/embeddings.js';
import type { JobQueue, QueuePolicy } from './queue.js';
import { startRecurring, type Recurring } from './recurring.js';

/** What each recurring job does and how often; `undefined` is off. */
export interface JobSettings {
  digest?: { everySeconds: number };
  harvest?: { everySeconds: number; baseUrl: string; set?: string };
  embed?: { everySeconds: number };
  hfDaily?: { everySeconds: number; baseUrl: string };
}

/** "90s", "15m", "6h", "1d", or "off". At most a day: a singleton slot must outlive its period's jobs. */
const Every = z.string().regex(/^(\d+[smhd]|off)$/, 'expected a duration such as 60s, 15m, 6h or 1d, or off')
  .transform((value) => (value === 'off' ? undefined : Number(value.slice(0, -1)) * { s: 1, m: 60, h: 3600, d: 86400 }[value.at(-1) as 's' | 'm' | 'h' | 'd']))
  .refine((seconds) => seconds === undefined || (seconds >= 10 && seconds <= 86400), 'must be from 10s to 1d');
const Url = z.string().regex(/^https?:\/\/[^\s]+$/, 'expected an http(s) URL').transform((url) => url.replace(/\/+$/, ''));

const Env = z.object({
  PAPERFEED_DIGEST_EVERY: Every.prefault('1m'),
  PAPERFEED_HARVEST: z.string().regex(/^(all|[a-z-]+(:[A-Za-z-]+)?)$/, 'expected "all" or an OAI set such as cs or physics:hep-th').optional(),
  PAPERFEED_HARVEST_EVERY: Every.prefault('6h'),
  PAPERFEED_OAI_URL: Url.default('https://oaipmh.arxiv.org/oai'),
  // Off unless asked for: training takes a core for a while, which `npm start` should not.
  PAPERFEED_EMBED_EVERY: Every.prefault('off'),
  PAPERFEED_HF_DAILY_URL: Url.optional(),
  PAPERFEED_HF_DAILY_EVERY: Every.prefault('1h'),
});

/** Reads the job settings from the environment, once, at the edge. */
export function resolveJobSettings(env: NodeJS.ProcessEnv): JobSettings {
  const e = parseEnvironment(Env, env);
  return {
    ...(e.PAPERFEED_DIGEST_EVERY && { digest: { everySeconds: e.PAPERFEED_DIGEST_EVERY } }),
    ...(e.PAPERFEED_HARVEST && e.PAPERFEED_HARVEST_EVERY && {
      harvest: { everySeconds: e.PAPERFEED_HARVEST_EVERY, baseUrl: e.PAPERFEED_OAI_URL, ...(e.PAPERFEED_HARVEST !== 'all' && { set: e.PAPERFEED_HARVEST }) },
    }),
    ...(e.PAPERFEED_EMBED_EVERY && { embed: { everySeconds: e.PAPERFEED_EMBED_EVERY } }),
    ...(e.PAPERFEED_HF_DAILY_URL && e.PAPERFEED_HF_DAILY_EVERY && { hfDaily: { everySeconds: e.PAPERFEED_HF_DAILY_EVERY, baseUrl: e.PAPERFEED_HF_DAILY_URL } }),
  };
}

/** What a job reports when it did something, for the edge to log. */
export type JobReport = { job: string; summary: Record<string, unknown> };

/** A run of harvest or embed stops after this long and leaves the rest to the next run. */
const RUN_BUDGET_MS = 20 * 60_000;
/** Batches of 500 papers an embed run does at most. */
const EMBED_BATCHES_PER_RUN = 40;

interface JobDefinition extends Recurring {
  policy: QueuePolicy;
  run(): Promise<Record<string, unknown> | undefined>;
}

/**
 * The enabled jobs, bound to the app. Digest runs are safe to repeat (the send ledger claims
 * each subscriber's period), harvests resume from their stored place and embeddings from the
 * papers still without a vector, so every job may be retried or run again after a crash.
 */
function definitions(app: Pick<App, 'store' | 'searchStore' | 'search' | 'digests' | 'embeddingModel'>, settings: JobSettings, now: () => Date): JobDefinition[] {
  const jobs: JobDefinition[] = [];
  if (settings.digest) {
    jobs.push({
      name: 'digest', everySeconds: settings.digest.everySeconds,
      // A run that fails as a whole is simply the next tick's to do; each send has its own retries.
      policy: { retryLimit: 0, retryDelaySeconds: 0, retryBackoff: false, expireInSeconds: 15 * 60 },
      run: async () => {
        const summary = await app.digests.run(now());
        return summary.sent + summary.retry + summary.bounced + summary.failed > 0 ? { ...summary } : undefined;
      },
    });
  }
  const { harvest: harvestSettings } = settings;
  if (harvestSettings) {
    jobs.push({
      name: 'harvest', everySeconds: harvestSettings.everySeconds,
      policy: { retryLimit: 3, retryDelaySeconds: 300, retryBackoff: true, expireInSeconds: 3 * RUN_BUDGET_MS / 1000 },
      run: async () => {
        const source = harvest({ baseUrl: harvestSettings.baseUrl, set: harvestSettings.set, state: app.store, clock: systemClock });
        return changed(await importSource(app.store, untilDeadline(source, Date.now() + RUN_BUDGET_MS), { batchSize: 500 }));
      },
    });
  }
  if (settings.embed) {
    jobs.push({
      name: 'embed', everySeconds: settings.embed.everySeconds,
      policy: { retryLimit: 2, retryDelaySeconds: 60, retryBackoff: true, expireInSeconds: 3 * RUN_BUDGET_MS / 1000 },
      run: async () => {
        const papers = await app.store.countPapers();
        if (papers === 0) return undefined;
        const { embedder, trained } = await embedderForCatalog(app.searchStore, papers, now());
        // The configured ONNX model's vectors follow the LSA pass, as in `paperfeed embed`.
        const embedders = [embedder, ...(app.embeddingModel ? [await app.embeddingModel()] : [])];
        const results = [];
        for (const current of embedders) results.push({ model: current.id, ...await embedMissing(app.searchStore, current, { maxBatches: EMBED_BATCHES_PER_RUN }) });
        if (!trained && results.every((result) => result.embedded === 0)) return undefined;
        // This process's semantic search reads the new vectors from its next query.
        app.search.refresh();
        return { trained, models: results };
      },
    });
  }
  const { hfDaily } = settings;
  if (hfDaily) {
    jobs.push({
      name: 'hf-daily', everySeconds: hfDaily.everySeconds,
      policy: { retryLimit: 3, retryDelaySeconds: 120, retryBackoff: true, expireInSeconds: 15 * 60 },
      run: async () => changed(await importSource(app.store, dailyPapers(hfDaily.baseUrl, now()))),
    });
  }
  return jobs;
}

/**
 * Today's and yesterday's (UTC) Hugging Face daily papers with their current upvotes: new
 * papers join the catalog and the upvote signals move trending.
 */
async function* dailyPapers(baseUrl: string, now: Date): Source {
  const get = politeFetcher({ clock: systemClock, minIntervalMs: 1000, retries: 3 });
  for (const daysAgo of [1, 0]) {
    const day = new Date(now.getTime() - daysAgo * 86400_000).toISOString().slice(0, 10);
    const url = `${baseUrl}/api/daily_papers?date=${day}`;
    const response = await get(url);
    if (response.status !== 200) throw new PaperfeedError('remote', `${url}: HTTP ${response.status}`);
    yield* hfDailyResponse(response.body, url, day);
  }
}

/** Stops a resumable source at its first checkpoint after `deadline`, so its place is saved. */
async function* untilDeadline(source: Source, deadline: number): Source {
  for await (const item of source) {
    yield item;
    if ('checkpoint' in item && Date.now() >= deadline) return;
  }
}

function changed(counts: ImportCounts): Record<string, unknown> | undefined {
  return counts.added + counts.updated + counts.skipped > 0 ? { ...counts } : undefined;
}

/** How a node takes part: `enqueue` sends the recurring jobs, `work` runs them. */
export interface JobRunnerOptions {
  work: boolean;
  now?: () => Date;
  /** Recurring jobs are sent this often (default every 5 s). */
  tickMs?: number;
  onReport?: (report: JobReport) => void;
  onError?: (error: Error) => void;
}

/**
 * Declares the enabled jobs' queues, keeps their schedules (every node does, and each period's
 * job is sent once however many do) and, on a worker, runs them. Returns `stop`, which resolves
 * once the running jobs have finished.
 *
 * @example const stop = await startJobs(app, app.jobs, resolveJobSettings(process.env), { work: true });
 */
export async function startJobs(app: Pick<App, 'store' | 'searchStore' | 'search' | 'digests' | 'embeddingModel'>, queue: JobQueue, settings: JobSettings, options: JobRunnerOptions): Promise<() => Promise<void>> {
  const jobs = definitions(app, settings, options.now ?? (() => new Date()));
  for (const job of jobs) await queue.createQueue(job.name, job.policy);
  if (options.work) {
    for (const job of jobs) {
      await queue.work(job.name, { concurrency: 1 }, async () => {
        const summary = await job.run();
        if (summary) options.onReport?.({ job: job.name, summary });
      });
    }
  }
  const stopSchedules = startRecurring(queue, jobs, { tickMs: options.tickMs, onError: options.onError });
  return async () => {
    stopSchedules();
    await queue.stop();
  };
}
