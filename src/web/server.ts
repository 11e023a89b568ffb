import { Hono } from 'hono';
import { html } from 'hono/html';
import type { App } from '../app.js';
import { PaperfeedError, httpStatusOf } from '../errors.js';
import { absUrl, type Paper } from '../catalog/paper.js';

/**
 * The HTTP surface. Every route is listed here; errors of any route become
 * `{error:{code,message}}` (API) with the status of their code, never a bare 500 with a stack.
 */
export function createWebApp(app: App): Hono {
  const web = new Hono();

  web.get('/healthz', async (c) => c.json({ ok: true, papers: await app.store.countPapers() }));

  web.get('/', async (c) => c.html(homePage(await app.store.recentPapers(100))));

  web.notFound((c) => c.json({ error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404));
  web.onError((error, c) => {
    if (error instanceof PaperfeedError) {
      return c.json({ error: { code: error.code, message: error.message } }, httpStatusOf[error.code] as 400);
    }
    console.error(error);
    return c.json({ error: { code: 'internal', message: 'internal error' } }, 500);
  });
  return web;
}

function homePage(papers: Paper[]) {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>paperfeed</title></head>
<body>
<main>
<h1>paperfeed</h1>
<ol>
${papers.map((paper) => html`<li><article><h2><a href="${absUrl(paper.id)}">${paper.title}</a></h2>
<p>${paper.authors.map((author) => author.name).join(', ')}</p>
<p>${paper.abstract.slice(0, 400)}</p></article></li>`)}
</ol>
</main>
</body>
</html>`;
}
