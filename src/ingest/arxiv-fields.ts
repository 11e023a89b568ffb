/**
 * Readers for fields that arXiv's OAI-PMH and API responses write alike. Names, titles and
 * author lines go through `text.ts` and `authors.ts`, as every other source's do.
 */

/** Any date arXiv writes (`2014-01-09`, `Mon, 2 Apr 2007 19:18:42 GMT`, `2022-02-24T15:05:19Z`) as ISO 8601, or undefined. */
export function isoDate(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const time = Date.parse(trimmed);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/**
 * The distinct categories in order, from space-separated lists or single terms: pass the primary
 * category first and it stays first.
 *
 * @example categoryList('cs.IT', 'cs.IT math.IT') // ['cs.IT', 'math.IT']
 */
export function categoryList(...lists: (string | undefined)[]): string[] {
  return [...new Set(lists.flatMap((list) => (list ?? '').split(/\s+/)).filter((category) => category !== ''))];
}

/**
 * The paper's DOI. arXiv lets a submitter enter several, separated by spaces, commas or
 * semicolons, usually the article and then its errata; the first is the article's.
 *
 * @example firstDoi('10.1103/PhysRevD.93.016005, 10.1103/PhysRevD.98.079901') // '10.1103/PhysRevD.93.016005'
 */
export function firstDoi(text: string): string {
  return text.trim().split(/[\s,;]+/)[0] ?? '';
}

/**
 * One author's name from its parts, in the order arXiv prints it (forenames, keyname, suffix).
 * Undefined for the placeholders arXiv's author parser leaves behind, such as a lone ":" between
 * a collaboration and its members.
 *
 * @example authorName('A.', 'Sergyeyev') // 'A. Sergyeyev'
 */
export function authorName(...parts: string[]): string | undefined {
  const name = parts.map((part) => part.replace(/\s+/g, ' ').trim()).filter((part) => part !== '').join(' ');
  return /[\p{L}\p{N}]/u.test(name) ? name : undefined;
}

// TeX accent commands and the Unicode combining marks they stand for.
const COMBINING: Record<string, string> = {
  "'": '\u0301', '`': '\u0300', '^': '\u0302', '"': '\u0308', '~': '\u0303', '=': '\u0304', '.': '\u0307',
  c: '\u0327', v: '\u030C', H: '\u030B', u: '\u0306', r: '\u030A', k: '\u0328',
};
// Letters that TeX writes as commands.
const LETTERS: Record<string, string> = {
  ss: 'ß', ae: 'æ', AE: 'Æ', oe: 'œ', OE: 'Œ', aa: 'å', AA: 'Å', o: 'ø', O: 'Ø', l: 'ł', L: 'Ł', i: 'ı',
};

/**
 * Decodes the TeX accents that submitters type in author names (`Bal\'azs`, `M{\"u}ller`,
 * `\v{S}koda`, `{\o}`), as arXiv itself does for its `arXiv` format and the API, so that a name
 * reads the same whichever format it came from. Other TeX is left alone.
 *
 * @example decodeTexAccents("C. Bal\\'azs and \\v{S}. {\\O}stergaard") // 'C. Balázs and Š. Østergaard'
 */
export function decodeTexAccents(text: string): string {
  if (!text.includes('\\')) return text;
  return text
    // A symbol accent takes the next letter, braced or not: \'a, \'{a}, \' a, \'\i.
    .replace(/\\([`'^"~=.])\s*(?:\{(\\i|[A-Za-z])\}|(\\i|[A-Za-z]))/g, (_, accent: string, braced?: string, bare?: string) => accentLetter(braced ?? bare!, accent))
    // A letter accent needs braces or a space: \c{c}, \v s.
    .replace(/\\([cvHurk])(?:\{(\\i|[A-Za-z])\}|\s+([A-Za-z]))/g, (_, accent: string, braced?: string, bare?: string) => accentLetter(braced ?? bare!, accent))
    // A control word ends at the first non-letter and swallows one space or an empty group.
    .replace(/\\(ss|ae|AE|oe|OE|aa|AA|o|O|l|L|i)(?![A-Za-z])(?:\{\}|\s)?/g, (_, command: string) => LETTERS[command]!)
    // What is left of {\"u} and {\o}: braces around one decoded letter.
    .replace(/\{(\p{L}\p{M}+|[ßæÆœŒåÅøØłŁı])\}/gu, '$1')
    .normalize('NFC');
}

function accentLetter(letter: string, accent: string): string {
  return (letter === '\\i' ? 'i' : letter) + COMBINING[accent]!;
}
