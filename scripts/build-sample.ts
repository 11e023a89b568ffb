/**
 * Builds the sample catalog shipped in sample/hf-daily/: the most recent Hugging Face daily
 * papers responses, trimmed to the fields paperfeed reads (the submitters' and authors' HF
 * account details are dropped) and gzipped.
 *
 *   npm run build:sample -- <hf-daily-papers/responses dir> [days]
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const PAPER_FIELDS = ['id', 'authors', 'publishedAt', 'submittedOnDailyAt', 'title', 'summary', 'upvotes', 'githubRepo', 'githubStars', 'ai_summary', 'ai_keywords', 'projectPage'];
const ITEM_FIELDS = ['title', 'summary', 'publishedAt', 'numComments', 'isAuthorParticipating'];

const [dir, daysArg = '200'] = process.argv.slice(2);
if (!dir) throw new Error('usage: build-sample <hf-daily-papers/responses dir> [days]');
const out = new URL('../sample/hf-daily/', import.meta.url).pathname;
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const files = readdirSync(dir).filter((name) => /^\d{4}-\d{2}-\d{2}\.json$/.test(name)).sort().slice(-Number(daysArg));
let items = 0;
for (const name of files) {
  const response = JSON.parse(readFileSync(join(dir, name), 'utf8')) as unknown;
  const list = Array.isArray(response) ? response : [];
  const trimmed = list.filter((item) => typeof item === 'object' && item !== null).map((item: Record<string, unknown>) => {
    const paper = item.paper as Record<string, unknown>;
    const authors = (paper.authors as { name: string; hidden?: boolean }[]).map(({ name, hidden }) => ({ name, hidden }));
    return {
      paper: { ...pick(paper, PAPER_FIELDS), authors },
      ...pick(item, ITEM_FIELDS),
    };
  });
  items += trimmed.length;
  writeFileSync(join(out, `${name}.gz`), gzipSync(JSON.stringify(trimmed, null, 1), { level: 9 }));
}
console.log(JSON.stringify({ files: files.length, items, from: files[0], to: files.at(-1) }));

function pick(object: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((field) => object[field] !== undefined).map((field) => [field, object[field]]));
}
