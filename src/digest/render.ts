/**
 * Renders a digest into a subject, a responsive HTML part (MJML, inline CSS) and a plain-text part.
 * MJML is compiled once per renderer, with placeholders, because compiling it per email would cost
 * more than everything else a send does; each email only fills in escaped values.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { absUrl, pdfUrl } from '../catalog/paper.js';
import { PaperfeedError } from '../errors.js';
import type { DigestItem } from './compose.js';
import { SharedText, type MailBody } from './mailer.js';

/** The links every digest carries, already signed. */
export interface DigestLinks {
  /** The site, without a trailing slash. */
  base: string;
  manage: string;
  unsubscribe: string;
}

/** Everything one rendering needs. */
export interface DigestView {
  items: readonly DigestItem[];
  /** The send time, shown as a date in the subscriber's zone. */
  date: Date;
  timeZone: string;
  links: DigestLinks;
}

/** A rendered digest; its parts are pieces shared with the other digests of a run ({@link bodyText} joins them). */
export interface RenderedDigest {
  subject: string;
  html: MailBody;
  text: MailBody;
}

/** Renders digests; create one per process and reuse it. */
export type DigestRenderer = (view: DigestView) => Promise<RenderedDigest>;

const ITEM_START = '<!--pf:item-->';
const ITEM_END = '<!--/pf:item-->';

// Each paper is one mj-text styled as a card inside a single column: every further MJML element
// per paper would add nested tables, and a digest has up to 50 papers.
const TEMPLATE = `<mjml>
  <mj-head>
    <mj-title>%%subject%%</mj-title>
    <mj-preview>%%preview%%</mj-preview>
    <mj-attributes>
      <mj-all font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" />
      <mj-text font-size="15px" line-height="1.5" color="#1f2328" padding="0" />
    </mj-attributes>
    <mj-style inline="inline">a { color: #0969da; }</mj-style>
  </mj-head>
  <mj-body background-color="#f4f4f5" width="640px">
    <mj-section padding="24px 16px 12px">
      <mj-column>
        <mj-text font-size="22px" font-weight="700" padding="0 0 4px">paperfeed</mj-text>
        <mj-text color="#57606a">%%intro%%</mj-text>
      </mj-column>
    </mj-section>
    <mj-section padding="0 16px">
      <mj-column>
        <mj-raw>${ITEM_START}</mj-raw>
        <mj-text padding="0 0 12px">
          <div style="background:#ffffff;border-radius:8px;padding:16px 20px">
            <div style="font-size:12px;color:#8250df;padding-bottom:4px">%%reasons%%</div>
            <div style="font-size:18px;font-weight:600;line-height:1.3;padding-bottom:4px"><a href="%%paperUrl%%" style="color:#0969da;text-decoration:none">%%title%%</a></div>
            <div style="font-size:13px;color:#57606a;padding-bottom:8px">%%authors%%</div>
            <div style="padding-bottom:8px">%%snippet%%</div>
            <div style="font-size:13px;color:#57606a">&#9650; %%upvotes%% &middot; %%links%%</div>
          </div>
        </mj-text>
        <mj-raw>${ITEM_END}</mj-raw>
      </mj-column>
    </mj-section>
    <mj-section padding="12px 16px 32px">
      <mj-column>
        <mj-text font-size="12px" color="#57606a" align="center">You get this because you subscribed to paperfeed digests. <a href="%%manage%%">Change what you get or when</a> &middot; <a href="%%unsubscribe%%">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

/** A template with `%%name%%` slots, split once so that filling it is a join, not a scan. */
type Fill = (values: Record<string, string>) => string;

/**
 * The compiled template cut into whole lines around its one item block: head, tail, and the item
 * cut again around its reasons line, the one line of an item that differs between subscribers.
 */
interface Compiled {
  head: Fill;
  itemHead: Fill;
  reasons: Fill;
  itemTail: Fill;
  tail: Fill;
}

/**
 * Compiles MJML in a short-lived worker thread: MJML and its dependencies take some 50 MB, which
 * are returned when the worker ends instead of staying in this process for its lifetime.
 */
function compileMjml(source: string): Promise<{ html: string; errors: string[] }> {
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const mjml = require(workerData.mjml);
    Promise.resolve((mjml.default ?? mjml)(workerData.source, { validationLevel: 'strict', minify: false })).then(
      (result) => parentPort.postMessage({ html: result.html, errors: result.errors.map((error) => error.formattedMessage) }),
      (error) => parentPort.postMessage({ html: '', errors: [String(error)] }),
    );`, { eval: true, workerData: { mjml: createRequire(import.meta.url).resolve('mjml'), source } });
  return new Promise((resolve, reject) => {
    worker.once('message', (result: { html: string; errors: string[] }) => {
      void worker.terminate();
      resolve(result);
    });
    worker.once('error', reject);
  });
}

async function compile(): Promise<Compiled> {
  const { html: raw, errors } = await compileMjml(TEMPLATE);
  // MJML indents its output, which would double the size of every email. The line breaks between
  // tags stay: they carry no meaning, and short lines let the HTML part go without encoding (7bit).
  const html = raw.replace(/>\s*\n\s*</g, '>\n<');
  const start = html.indexOf(ITEM_START);
  const end = html.indexOf(ITEM_END);
  if (errors.length > 0 || start < 0 || end < start || !html.includes('%%reasons%%', start)) {
    throw new PaperfeedError('internal', `digest template: ${errors.join('; ') || 'item markers lost'}`);
  }
  const item = html.slice(start + ITEM_START.length, end).replace(/^\n/, '');
  const reasonsAt = item.indexOf('%%reasons%%');
  const reasonsStart = item.lastIndexOf('\n', reasonsAt) + 1;
  const reasonsEnd = item.indexOf('\n', reasonsAt) + 1;
  return {
    head: slots(html.slice(0, start)),
    itemHead: slots(item.slice(0, reasonsStart)),
    reasons: slots(item.slice(reasonsStart, reasonsEnd)),
    itemTail: slots(item.slice(reasonsEnd)),
    tail: slots(html.slice(end + ITEM_END.length).replace(/^\n/, '')),
  };
}

/** Splits at `%%name%%`: even parts are literal text, odd parts slot names, filled with already-escaped values. */
function slots(template: string): Fill {
  const parts = template.split(/%%(\w+)%%/);
  return (values) => parts.map((part, index) => (index % 2 === 0 ? part : values[part] ?? '')).join('');
}

/** What a digest shows of one paper, escaped, wrapped and filled in once per run however many digests list it. */
interface PaperParts {
  base: string;
  /** The title on one line, which a digest numbers. */
  title: string;
  /** HTML lines before and after the reasons line. */
  htmlHead: SharedText;
  htmlTail: SharedText;
  /** Text lines between the title and the "Why" line, and after it. */
  textAuthors: SharedText;
  textTail: SharedText;
  /**
   * The lines that differ between digests, the number and the reasons, take few values per paper
   * in a run, so they are shared too: numbered title lines by position, reasons lines by reasons.
   */
  numbered: SharedText[];
  reasons: Map<string, { html: SharedText; text: SharedText }>;
}

function numberedLine(parts: PaperParts, index: number): SharedText {
  parts.numbered[index] ??= new SharedText(`${index + 1}. ${parts.title}\n`);
  return parts.numbered[index]!;
}

function reasonsLines(parts: PaperParts, reasons: readonly string[], upvotes: number, template: Compiled): { html: SharedText; text: SharedText } {
  const key = reasons.join('\n');
  let lines = parts.reasons.get(key);
  if (!lines) {
    lines = {
      html: new SharedText(template.reasons({ reasons: escapeHtml(reasons.join(' · ')) })),
      text: new SharedText(`   Why: ${reasons.join('; ')} · ${upvotes} upvotes\n`),
    };
    parts.reasons.set(key, lines);
  }
  return lines;
}

/**
 * A renderer that compiles the MJML template on first use. It remembers each paper's parts for as
 * long as the paper object lives (a run's pool), since thousands of digests share the same papers.
 */
export function createDigestRenderer(): DigestRenderer {
  let compiled: Promise<Compiled> | undefined;
  const cache = new WeakMap<DigestItem['paper'], PaperParts>();
  const partsOf = (paper: DigestItem['paper'], base: string, template: Compiled): PaperParts => {
    let parts = cache.get(paper);
    if (!parts || parts.base !== base) {
      parts = paperParts(paper, base, template);
      cache.set(paper, parts);
    }
    return parts;
  };
  return async (view) => {
    compiled ??= compile();
    const template = await compiled;
    const subject = digestSubject(view);
    const date = longDate(view.date, view.timeZone);
    const intro = `${date}: ${view.items.length} ${view.items.length === 1 ? 'paper' : 'papers'} picked for you.`;
    const page = {
      subject: escapeHtml(subject),
      preview: escapeHtml(view.items.map((item) => item.paper.title).slice(0, 3).join(' · ')),
      intro: escapeHtml(intro),
      manage: escapeHtml(view.links.manage),
      unsubscribe: escapeHtml(view.links.unsubscribe),
    };
    const html: (string | SharedText)[] = [template.head(page)];
    const text: (string | SharedText)[] = [`paperfeed, ${intro}\n\n`];
    view.items.forEach((item, index) => {
      const parts = partsOf(item.paper, view.links.base, template);
      const reasons = reasonsLines(parts, item.reasons, item.paper.upvotes, template);
      html.push(parts.htmlHead, reasons.html, parts.htmlTail);
      text.push(numberedLine(parts, index), parts.textAuthors, reasons.text, parts.textTail);
    });
    html.push(template.tail(page));
    text.push(`--\nChange what you get or when: ${view.links.manage}\nUnsubscribe: ${view.links.unsubscribe}\n`);
    return { subject, html, text };
  };
}

/**
 * The subject: the date and the top paper. Control characters are removed and it is kept short,
 * so neither a title nor anything else can add a header line.
 */
export function digestSubject(view: Pick<DigestView, 'items' | 'date' | 'timeZone'>): string {
  const top = view.items[0]?.paper.title ?? '';
  const date = formatter('short', view.timeZone).format(view.date);
  const subject = `paperfeed ${date}: ${oneLine(top)}${view.items.length > 1 ? ` and ${view.items.length - 1} more` : ''}`;
  return subject.length > 150 ? `${subject.slice(0, 149)}…` : subject;
}

function paperParts(paper: DigestItem['paper'], base: string, template: Compiled): PaperParts {
  const links = paperLinks(paper, base);
  const authors = authorLine(paper.authors);
  const cut = snippet(paper.abstract);
  const html = {
    paperUrl: escapeHtml(links[0]!.url),
    title: escapeHtml(paper.title),
    authors: escapeHtml(authors),
    snippet: escapeHtml(cut),
    upvotes: String(paper.upvotes),
    links: links.map((link) => `<a href="${escapeHtml(link.url)}">${link.label}</a>`).join(' &middot; '),
  };
  return {
    base,
    title: oneLine(paper.title),
    htmlHead: new SharedText(template.itemHead(html)),
    htmlTail: new SharedText(template.itemTail(html)),
    textAuthors: new SharedText(`   ${authors}\n`),
    textTail: new SharedText(`${[...wrap(cut, 72), ...links.map((link) => `${link.label}: ${link.url}`)].map((line) => `   ${line}\n`).join('')}\n`),
    numbered: [],
    reasons: new Map(),
  };
}

/** The paper's page here first, then arXiv's abstract and PDF (for arXiv papers), then its code. */
function paperLinks({ id, codeUrl }: DigestItem['paper'], base: string): { label: string; url: string }[] {
  const links = [{ label: 'paper', url: `${base}/papers/${encodeURIComponent(id)}` }];
  if (!id.startsWith('pf:')) links.push({ label: 'arXiv', url: absUrl(id) }, { label: 'PDF', url: pdfUrl(id) });
  if (codeUrl && /^https?:\/\//.test(codeUrl)) links.push({ label: 'code', url: codeUrl });
  return links;
}

function authorLine(authors: readonly string[]): string {
  return authors.length > 6 ? `${authors.slice(0, 5).join(', ')} and ${authors.length - 5} others` : authors.join(', ');
}

/** About three lines of the abstract, cut at a word. */
export function snippet(abstract: string, max = 280): string {
  const text = oneLine(abstract);
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max - 40))}…`;
}

function longDate(date: Date, timeZone: string): string {
  return formatter('long', timeZone).format(date);
}

/** Building an Intl formatter costs more than rendering a digest, so each is built once per zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(style: 'short' | 'long', timeZone: string): Intl.DateTimeFormat {
  const key = `${style} ${timeZone}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', style === 'short'
      ? { timeZone, day: 'numeric', month: 'short', year: 'numeric' }
      : { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
    formatters.set(key, format);
  }
  return format;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** One line: every run of white space or control characters becomes one space. */
const oneLine = (text: string) => text.replace(/[\s\p{Cc}]+/gu, ' ').trim();

/** Escapes markup, and writes non-ASCII characters as references so the HTML part is ASCII and needs no transfer encoding. */
const escapeHtml = (text: string) =>
  text.replace(/[&<>"']|[^\x00-\x7f]/gu, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? `&#${char.codePointAt(0)};`);
