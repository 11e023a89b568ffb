import katex from 'katex';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

// $$…$$, \[…\], \(…\) and $…$ (not an escaped \$, and not spanning a blank line).
const MATH = /\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\\\(([\s\S]+?)\\\)|(?<!\\)\$((?:[^$\\\n]|\\[\s\S])+?)\$/g;

/**
 * Text with LaTeX math rendered by KaTeX on the server, and everything else escaped. KaTeX
 * runs with `trust: false` (no \href, \url, \includegraphics or raw HTML) and never throws: a
 * formula it cannot parse is shown as its source text.
 */
export function renderMath(text: string): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(MATH)) {
    const display = match[1] !== undefined || match[2] !== undefined;
    const tex = match[1] ?? match[2] ?? match[3] ?? match[4] ?? '';
    html += escapeHtml(text.slice(last, match.index));
    // Unparseable or untrusted commands keep the text's own colour, readable in light and dark mode.
    html += katex.renderToString(tex, { displayMode: display, throwOnError: false, trust: false, strict: 'ignore', maxExpand: 200, maxSize: 20, errorColor: 'inherit' });
    last = match.index + match[0].length;
  }
  return html + escapeHtml(text.slice(last));
}

/** Whether a text holds math that {@link renderMath} would typeset, so pages load KaTeX's CSS only then. */
export const hasMath = (text: string): boolean => new RegExp(MATH.source).test(text);

/** Titles from sources carry line breaks and runs of spaces. */
export const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();
