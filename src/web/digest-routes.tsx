/**
 * The digest subsystem's pages: subscribe, confirm, preferences (with export and delete),
 * unsubscribe (RFC 8058 one-click included), the digest preview and the local outbox viewer.
 *
 * | route | what |
 * |---|---|
 * | `POST /subscribe` | starts a subscription; the same answer for every address |
 * | `GET, POST /confirm/{token}` | shows, then performs, the confirmation (a GET never changes anything, so link scanners cannot confirm) |
 * | `GET, POST /preferences/{token}` | the preferences form |
 * | `GET /preferences/{token}/export`, `POST /preferences/{token}/delete` | the subscriber's data |
 * | `GET, POST /unsubscribe/{token}` | unsubscribe; the POST is the one-click target of List-Unsubscribe-Post |
 * | `GET /digest/preview[?token=…&part=text]` | a digest as it would be sent now |
 * | `GET /outbox[/{name}]` | messages the embedded mailer wrote, to loopback clients only |
 */
import { simpleParser } from 'mailparser';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { App } from '../app.js';
import { formatFollow, parseFollowLines } from '../follows/follow.js';
import { bodyText } from '../digest/mailer.js';
import { EmailSchema, PreferencesSchema, WEEKDAYS, type Subscriber } from '../digest/subscription.js';
import { PaperfeedError } from '../errors.js';
import { listOutbox, readOutbox } from '../mail/outbox.js';
import { clientAddress, parseWith, type WebEnv } from './http.js';
import type { RateLimiter } from './ports.js';
import { CSRF_FIELD } from './security.js';
import type { WebExtension, WebKit } from './server.js';

export interface DigestRouteOptions {
  now?: () => Date;
  /** Subscribe requests per client address; default 10 an hour with bursts of 5. */
  perClient?: RateLimiter;
  /** Subscribe requests per email address; default 3 an hour. */
  perAddress?: RateLimiter;
  /** Background failures (a confirmation that could not be sent). */
  onError?: (error: Error) => void;
}

/** Forms here are small; anything bigger is refused before it is parsed. */
const MAX_FORM_BYTES = 8 * 1024;
/** Refuses form bodies over 8 KiB before they are parsed (a `bad_input`). */
export const formLimit = bodyLimit({ maxSize: MAX_FORM_BYTES, onError: () => { throw new PaperfeedError('bad_input', 'this form is too large'); } });
const Token = z.string().regex(/^[\w.-]{10,300}$/, 'not a link we sent');

/** The digest pages as `createWebApp` options. */
export function digestWebOptions(app: App, options: DigestRouteOptions = {}): { extensions: WebExtension[]; signedExtensions: WebExtension[] } {
  return { extensions: [digestRoutes(app, options)], signedExtensions: [digestSignedRoutes(app, options)] };
}

/**
 * The routes whose URL carries a signed token: mail providers POST one-click unsubscribes
 * without cookies, so these must be registered before the CSRF check (the token is the proof).
 */
export function digestSignedRoutes(app: App, options: DigestRouteOptions = {}): WebExtension {
  const now = options.now ?? (() => new Date());
  return (web, kit) => {
    web.post('/unsubscribe/:token', formLimit, async (c) => {
      await app.digests.unsubscribe(tokenOf(c), now());
      return page(c, kit, 'Unsubscribed', <><h1>You are unsubscribed</h1><p>No more digests will be sent to you. Changed your mind? Subscribe again below.</p></>);
    });
  };
}

/** The digest pages, as a web extension (registered after the CSRF check). */
export function digestRoutes(app: App, options: DigestRouteOptions = {}): WebExtension {
  const now = options.now ?? (() => new Date());
  const perClient = options.perClient ?? app.rateLimiter('subscribe-client', { perMinute: 10 / 60, burst: 5 });
  const perAddress = options.perAddress ?? app.rateLimiter('subscribe-address', { perMinute: 3 / 60, burst: 3 });
  return (web: Hono<WebEnv>, kit: WebKit) => {
    web.post('/subscribe', formLimit, async (c) => {
      await limit(perClient, clientAddress(c), now());
      const form = parseWith(z.object({ email: EmailSchema, timeZone: z.string().max(64).optional() }), await c.req.parseBody(), 'form');
      await limit(perAddress, form.email, now());
      const timeZone = form.timeZone && PreferencesSchema.shape.timeZone.safeParse(form.timeZone).success ? form.timeZone : undefined;
      // Not awaited: the answer must come as fast for a known address as for a new one.
      app.digests.subscribe(form.email, now(), timeZone).catch((error: Error) => options.onError?.(error));
      return page(c, kit, 'Check your inbox', <>
        <h1>Check your inbox</h1>
        <p>If {form.email} can receive our mail, a message with a confirmation link is on its way. Nothing else is sent until you confirm.</p>
      </>);
    });

    web.get('/confirm/:token', async (c) => {
      const subscriber = await app.digests.subscriberFor(tokenOf(c), 'confirm', now());
      return page(c, kit, 'Confirm your subscription', <>
        <h1>Confirm your subscription</h1>
        <p>Send paperfeed digests to {subscriber.email}?</p>
        <form method="post"><Csrf c={c} /><button type="submit">Yes, subscribe me</button></form>
      </>);
    });

    web.post('/confirm/:token', formLimit, async (c) => {
      const subscriber = await app.digests.confirm(tokenOf(c), now());
      const { manage } = await app.digests.links(subscriber, now());
      return page(c, kit, 'Subscribed', <>
        <h1>You are subscribed</h1>
        <p>Your first digest comes {describeSchedule(subscriber)}. <a href={manage}>Choose topics, authors, categories, the time and how many papers</a>.</p>
      </>);
    });

    web.get('/preferences/:token', async (c) => {
      const subscriber = await app.digests.subscriberFor(tokenOf(c), 'manage', now());
      return preferencesPage(c, kit, subscriber);
    });

    web.post('/preferences/:token', formLimit, async (c) => {
      const token = tokenOf(c);
      const subscriber = await app.digests.subscriberFor(token, 'manage', now());
      const body = await c.req.parseBody();
      const parsed = PreferencesSchema.safeParse({
        frequency: body.frequency, weekday: body.weekday, hour: body.hour, timeZone: body.timeZone, size: body.size,
        trending: body.trending === 'on',
        follows: parseFollowLines(typeof body.follows === 'string' ? body.follows : ''),
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return preferencesPage(c, kit, subscriber, `${issue.path.join(' ') || 'form'}: ${issue.message}`, 400);
      }
      return preferencesPage(c, kit, await app.digests.updatePreferences(token, parsed.data, now()), 'Saved.');
    });

    web.get('/preferences/:token/export', async (c) => {
      const data = await app.digests.exportData(tokenOf(c), now());
      c.header('Content-Disposition', 'attachment; filename="paperfeed-subscription.json"');
      c.header('Cache-Control', 'no-store');
      return c.json(data);
    });

    web.post('/preferences/:token/delete', formLimit, async (c) => {
      await app.digests.deleteData(tokenOf(c), now());
      return page(c, kit, 'Deleted', <><h1>Your data is deleted</h1><p>Your address, preferences and digest history are gone, and your links no longer work.</p></>);
    });

    web.get('/unsubscribe/:token', async (c) => {
      await app.digests.subscriberFor(tokenOf(c), 'unsubscribe', now());
      return page(c, kit, 'Unsubscribe', <>
        <h1>Unsubscribe from paperfeed digests?</h1>
        <form method="post"><Csrf c={c} /><button type="submit">Unsubscribe</button></form>
      </>);
    });

    web.get('/digest/preview', async (c) => {
      const query = parseWith(z.object({ token: Token.optional(), part: z.enum(['html', 'text']).default('html') }), c.req.query(), 'query');
      const digest = await app.digests.preview(now(), query.token);
      c.header('Cache-Control', 'no-store');
      if (!digest) return page(c, kit, 'Digest preview', <><h1>Nothing to send</h1><p>No new papers match right now.</p></>);
      return query.part === 'text' ? c.text(`Subject: ${digest.subject}\n\n${bodyText(digest.text)}`) : c.html(bodyText(digest.html));
    });

    web.get('/outbox', async (c) => {
      const dir = outboxDir(app, c);
      const entries = await listOutbox(dir);
      return page(c, kit, 'Outbox', <>
        <h1>Outbox</h1>
        <p>Messages written to {dir} instead of being sent (no SMTP relay is configured).</p>
        <ul>{entries.slice(0, 200).map((entry) => <li><a href={`/outbox/${entry.name}`}>{entry.name}</a> · {entry.modified} · <a href={`/outbox/${entry.name}?part=text`}>text</a></li>)}</ul>
      </>);
    });

    web.get('/outbox/:name', async (c) => {
      const raw = await readOutbox(outboxDir(app, c), c.req.param('name'));
      const part = parseWith(z.enum(['html', 'text', 'raw']).default('html'), c.req.query('part'), 'part');
      if (part === 'raw') return c.text(raw.toString('utf8'));
      const mail = await simpleParser(raw);
      c.header('Cache-Control', 'no-store');
      return part === 'html' && mail.html ? c.html(mail.html) : c.text(`Subject: ${mail.subject ?? ''}\n\n${mail.text ?? ''}`);
    });
  };
}

function tokenOf(c: Context<WebEnv>): string {
  return parseWith(Token, c.req.param('token'), 'link');
}

async function limit(limiter: RateLimiter, key: string, at: Date): Promise<void> {
  const decision = await limiter.hit(key, at);
  if (!decision.allowed) {
    throw new PaperfeedError('rate_limited', `too many subscribe requests; try again in ${Math.ceil(decision.retryAfterSeconds / 60)} min`, {
      retryAfterSeconds: decision.retryAfterSeconds,
    });
  }
}

/** The outbox holds other people's mail: only the machine's own user may read it. */
function outboxDir(app: App, c: Context<WebEnv>): string {
  const address = clientAddress(c);
  if (app.mail.smtpUrl || !/^(127\.|::1$|::ffff:127\.)/.test(address)) throw new PaperfeedError('not_found', 'no outbox here');
  return app.mail.outboxDir;
}

/** The hidden CSRF field of a form, with this visitor's token. */
export function Csrf({ c }: { c: Context<WebEnv> }) {
  return <input type="hidden" name={CSRF_FIELD} value={c.get('csrfToken') ?? ''} />;
}

/** A personal page in the layout: never cached, and no referrer leaks its URL's token. */
export async function page(c: Context<WebEnv>, kit: WebKit, title: string, body: ReturnType<typeof Csrf>, status: 200 | 400 = 200) {
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  return kit.sendPage(c, await kit.renderPage({ title }, body), status);
}

function describeSchedule(subscriber: Subscriber): string {
  const { frequency, weekday, hour, timeZone } = subscriber.prefs;
  const time = `${String(hour).padStart(2, '0')}:00 (${timeZone})`;
  return frequency === 'daily' ? `every day from ${time}` : `every ${weekday} from ${time}`;
}

const TIME_ZONES = Intl.supportedValuesOf('timeZone');

async function preferencesPage(c: Context<WebEnv>, kit: WebKit, subscriber: Subscriber, message?: string, status: 200 | 400 = 200) {
  const { prefs } = subscriber;
  const zones = TIME_ZONES.includes(prefs.timeZone) ? TIME_ZONES : [prefs.timeZone, ...TIME_ZONES];
  return page(c, kit, 'Digest preferences', <>
    <h1>Digest preferences</h1>
    <p>For {subscriber.email} ({subscriber.status}). Digests come {describeSchedule(subscriber)}.</p>
    {message && <p role="status">{message}</p>}
    <form method="post" class="preferences">
      <Csrf c={c} />
      <p><label>How often <select name="frequency">{(['daily', 'weekly'] as const).map((value) => <option value={value} selected={prefs.frequency === value}>{value}</option>)}</select></label>
        {' '}<label>on (weekly) <select name="weekday">{WEEKDAYS.map((day) => <option value={day} selected={prefs.weekday === day}>{day}</option>)}</select></label></p>
      <p><label>From <select name="hour">{Array.from({ length: 24 }, (_, hour) => <option value={String(hour)} selected={prefs.hour === hour}>{`${String(hour).padStart(2, '0')}:00`}</option>)}</select></label>
        {' '}<label>in <select name="timeZone">{zones.map((zone) => <option value={zone} selected={prefs.timeZone === zone}>{zone}</option>)}</select></label></p>
      <p><label>Papers per digest <input type="number" name="size" min="5" max="50" value={String(prefs.size)} /></label></p>
      <p><label><input type="checkbox" name="trending" checked={prefs.trending} /> What is trending overall</label></p>
      <p><label for="follows">Follows, one per line: <code>topic: diffusion language models</code>, <code>category: cs.CL</code>, <code>author: Ada Lovelace</code></label><br />
        <textarea id="follows" name="follows" rows={6} cols={60}>{prefs.follows.map(formatFollow).join('\n')}</textarea></p>
      <button type="submit">Save</button>
    </form>
    <h2>Your data</h2>
    <p><a href={`${c.req.path}/export`}>Download everything we keep about you</a> (JSON).</p>
    <form method="post" action={`${c.req.path}/delete`}><Csrf c={c} /><button type="submit">Delete my subscription and data</button></form>
  </>, status);
}
