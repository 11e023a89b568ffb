/**
 * Words as search sees them: folded like SQLite's `unicode61 remove_diacritics 2` tokenizer, and
 * stemmed like its `porter` wrapper, so highlighting and the TF-IDF/LSA models agree with the
 * full-text index about what a word is.
 */

/** Lower-cased, accent-free words of letters and digits; LaTeX commands are dropped. */
export function words(text: string): string[] {
  return fold(text).match(WORD) ?? [];
}

/**
 * Each word as written (not yet folded: see {@link fold}) with its offsets in the text, for
 * highlighting.
 */
export function wordSpans(text: string): { word: string; start: number; end: number }[] {
  const spans: { word: string; start: number; end: number }[] = [];
  for (const match of text.matchAll(WORD)) {
    spans.push({ word: match[0], start: match.index, end: match.index + match[0].length });
  }
  return spans;
}

/** Content words: stemmed, without stop words, LaTeX commands and one-letter tokens. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const word of words(text.replace(LATEX_COMMAND, ' '))) {
    if (isContentWord(word)) out.push(stem(word));
  }
  return out;
}

/**
 * True for a word that says what a text is about: not a stop word and not a lone letter (the
 * "s" of "user's", the "x" of "x-ray"). Takes a word as {@link words} gives it.
 */
export function isContentWord(word: string): boolean {
  return word.length > 1 && !STOP_WORDS.has(word);
}

/**
 * A text's sentences: split after `.`, `!` or `?` where the next word starts with a capital
 * letter, so "e.g. the" and "3.5 times" stay whole.
 */
export function sentences(text: string): string[] {
  return text.split(SENTENCE_END).map((sentence) => sentence.trim()).filter(Boolean);
}

const SENTENCE_END = /(?<=[.!?])\s+(?=\p{Lu})/u;
const WORD = /[\p{L}\p{N}]+/gu;
const LATEX_COMMAND = /\\[a-zA-Z]+/g;

/** Lower-cased and accent-free, as the full-text index sees text. */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** Common English function words (a compact version of the SMART list). */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are as at be because been before being below between both but by
can could did do does doing done down during each either etc few for from further had has have having he her here hers him his
how however i if in into is it its itself just may me might more most much must my no nor not of off on once only or other our
ours out over own per same shall she should so some such than that the their theirs them then there these they this those
through thus to too under until up upon us very via was we were what when where whether which while who whom whose why will
with within without would yet you your`.split(/\s+/),
);

/**
 * The Porter stemmer (M. F. Porter, 1980), as SQLite's FTS5 `porter` tokenizer applies it, so a
 * highlighted word is one the index matched.
 */
export function stem(word: string): string {
  let stemmed = STEMS.get(word);
  if (stemmed === undefined) {
    if (STEMS.size >= STEM_CACHE_SIZE) STEMS.clear();
    stemmed = porter(word);
    STEMS.set(word, stemmed);
  }
  return stemmed;
}

// Snippets stem every word of every result's abstract, and a vocabulary repeats itself, so a
// memo of this pure function saves most of a search's time; bounded so it cannot grow forever.
const STEM_CACHE_SIZE = 200_000;
const STEMS = new Map<string, string>();

function porter(word: string): string {
  // FTS5's porter stems ASCII words with digits too ("gpt4s" → "gpt4"), digits as consonants.
  if (word.length < 3 || !/^[a-z0-9]+$/.test(word)) return word;
  let w = word;
  // Step 1a
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies')) w = w.slice(0, -2);
  else if (!w.endsWith('ss') && w.endsWith('s')) w = w.slice(0, -1);
  // Step 1b
  let step1bExtra = false;
  if (w.endsWith('eed')) {
    if (measure(w.slice(0, -3)) > 0) w = w.slice(0, -1);
  } else {
    for (const suffix of ['ed', 'ing']) {
      if (w.endsWith(suffix) && hasVowel(w.slice(0, -suffix.length))) {
        w = w.slice(0, -suffix.length);
        step1bExtra = true;
        break;
      }
    }
  }
  if (step1bExtra) {
    if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
    else if (endsDoubleConsonant(w) && !/[lsz]$/.test(w)) w = w.slice(0, -1);
    else if (measure(w) === 1 && endsCvc(w)) w += 'e';
  }
  // Step 1c
  if (w.endsWith('y') && hasVowel(w.slice(0, -1))) w = `${w.slice(0, -1)}i`;
  w = replaceSuffix(w, STEP2, 0);
  w = replaceSuffix(w, STEP3, 0);
  // Step 4
  for (const suffix of STEP4) {
    if (!w.endsWith(suffix)) continue;
    const base = w.slice(0, -suffix.length);
    if (measure(base) > 1 && (suffix !== 'ion' || /[st]$/.test(base))) w = base;
    break;
  }
  // Step 5
  if (w.endsWith('e')) {
    const base = w.slice(0, -1);
    const m = measure(base);
    if (m > 1 || (m === 1 && !endsCvc(base))) w = base;
  }
  if (measure(w) > 1 && endsDoubleConsonant(w) && w.endsWith('l')) w = w.slice(0, -1);
  return w;
}

const STEP2: [string, string][] = [
  ['ational', 'ate'], ['tional', 'tion'], ['enci', 'ence'], ['anci', 'ance'], ['izer', 'ize'], ['bli', 'ble'],
  ['alli', 'al'], ['entli', 'ent'], ['eli', 'e'], ['ousli', 'ous'], ['ization', 'ize'], ['ation', 'ate'], ['ator', 'ate'],
  ['alism', 'al'], ['iveness', 'ive'], ['fulness', 'ful'], ['ousness', 'ous'], ['aliti', 'al'], ['iviti', 'ive'], ['biliti', 'ble'],
  ['logi', 'log'],
];
const STEP3: [string, string][] = [
  ['icate', 'ic'], ['ative', ''], ['alize', 'al'], ['iciti', 'ic'], ['ical', 'ic'], ['ful', ''], ['ness', ''],
];
const STEP4 = [
  'ement', 'ance', 'ence', 'able', 'ible', 'ment', 'ant', 'ent', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize', 'ion', 'al', 'er', 'ic', 'ou',
].sort((a, b) => b.length - a.length);

function replaceSuffix(w: string, rules: [string, string][], minMeasure: number): string {
  let best: [string, string] | undefined;
  for (const rule of rules) if (w.endsWith(rule[0]) && (!best || rule[0].length > best[0].length)) best = rule;
  if (!best) return w;
  const base = w.slice(0, -best[0].length);
  return measure(base) > minMeasure ? base + best[1] : w;
}

function isConsonant(w: string, i: number): boolean {
  const c = w[i];
  if (c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u') return false;
  if (c === 'y') return i === 0 || !isConsonant(w, i - 1);
  return true;
}

/** Porter's m: the number of vowel-consonant sequences. */
function measure(w: string): number {
  let m = 0;
  let i = 0;
  while (i < w.length && isConsonant(w, i)) i += 1;
  while (i < w.length) {
    while (i < w.length && !isConsonant(w, i)) i += 1;
    if (i >= w.length) break;
    while (i < w.length && isConsonant(w, i)) i += 1;
    m += 1;
  }
  return m;
}

function hasVowel(w: string): boolean {
  for (let i = 0; i < w.length; i += 1) if (!isConsonant(w, i)) return true;
  return false;
}

function endsDoubleConsonant(w: string): boolean {
  const n = w.length;
  return n >= 2 && w[n - 1] === w[n - 2] && isConsonant(w, n - 1);
}

function endsCvc(w: string): boolean {
  const n = w.length;
  return n >= 3 && isConsonant(w, n - 3) && !isConsonant(w, n - 2) && isConsonant(w, n - 1) && !/[wxy]$/.test(w);
}
