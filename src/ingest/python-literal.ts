import { PaperfeedError } from '../errors.js';

/** What a Python literal becomes: the JSON value with the same meaning. */
export type PythonValue = null | boolean | number | string | PythonValue[] | { [key: string]: PythonValue };

const KEYWORDS: Record<string, PythonValue> = { True: true, False: false, None: null };

// Python's one-letter escapes; any other escaped letter keeps its backslash, as in Python.
const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

// Hex digits that each escape letter takes.
const HEX_ESCAPES: Record<string, number> = { x: 2, u: 4, U: 8 };

/**
 * Parses a Python literal as `repr()` writes it: dicts, lists, strings in either quote style with
 * Python's escapes (`\'`, `\n`, `\xXX`, `\uXXXX`, `\UXXXXXXXX`, octal), ints, floats, `True`,
 * `False` and `None`. Some Hugging Face responses carry papers as such strings instead of JSON.
 *
 * @example parsePythonLiteral("{'ok': True, 'why': None, 'n': [1, 2.5]}") // { ok: true, why: null, n: [1, 2.5] }
 * @throws PaperfeedError `bad_input`, with `details.position`, at the first character it cannot read.
 */
export function parsePythonLiteral(text: string): PythonValue {
  // Sticky patterns are made per call so that no parse shares `lastIndex` with another.
  const number = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/y;
  const name = /[A-Za-z_]\w*/y;
  const octal = /[0-7]{1,3}/y;
  let at = 0;

  const fail = (problem: string, position = at): never => {
    throw new PaperfeedError('bad_input', `${problem} at position ${position}`, { position });
  };

  const match = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = at;
    const found = pattern.exec(text)?.[0];
    if (found !== undefined) at += found.length;
    return found;
  };

  const skipSpace = () => {
    while (at < text.length && /\s/.test(text[at]!)) at += 1;
  };

  const expect = (char: string) => {
    skipSpace();
    if (text[at] !== char) fail(`expected "${char}"`);
    at += 1;
  };

  // Reads comma-separated entries up to `close`; Python allows a trailing comma.
  const sequence = (close: string, entry: () => void) => {
    at += 1;
    skipSpace();
    while (text[at] !== close) {
      entry();
      skipSpace();
      if (text[at] === ',') at += 1;
      else if (text[at] !== close) fail(`expected "," or "${close}"`);
      skipSpace();
    }
    at += 1;
  };

  const escape = (): string => {
    const letter = text[at];
    if (letter === undefined) return fail('unterminated string');
    const width = HEX_ESCAPES[letter];
    if (width !== undefined) {
      const digits = text.slice(at + 1, at + 1 + width);
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== width) fail(`\\${letter} needs ${width} hex digits`, at - 1);
      at += 1 + width;
      return codePoint(Number.parseInt(digits, 16));
    }
    const digits = match(octal);
    if (digits !== undefined) return codePoint(Number.parseInt(digits, 8));
    at += 1;
    return SIMPLE_ESCAPES[letter] ?? `\\${letter}`;
  };

  const codePoint = (code: number): string => (code > 0x10ffff ? fail('escape beyond Unicode', at - 1) : String.fromCodePoint(code));

  const string = (): string => {
    const quote = text[at];
    const start = at;
    at += 1;
    let out = '';
    for (;;) {
      const char = text[at];
      if (char === undefined || char === '\n') return fail('unterminated string', start);
      at += 1;
      if (char === quote) return out;
      out += char === '\\' ? escape() : char;
    }
  };

  const value = (): PythonValue => {
    skipSpace();
    const char = text[at];
    if (char === undefined) return fail('unexpected end of text');
    if (char === '{') {
      const entries: [string, PythonValue][] = [];
      sequence('}', () => {
        skipSpace();
        const keyStart = at;
        const key = value();
        if (typeof key !== 'string' && typeof key !== 'number') fail('dict keys must be strings or numbers', keyStart);
        expect(':');
        entries.push([String(key), value()]);
      });
      // fromEntries defines own properties, so a key like "__proto__" stays a plain key.
      return Object.fromEntries(entries);
    }
    if (char === '[') {
      const items: PythonValue[] = [];
      sequence(']', () => items.push(value()));
      return items;
    }
    if (char === "'" || char === '"') return string();
    const numeral = match(number);
    if (numeral !== undefined) return Number(numeral);
    const start = at;
    const word = match(name);
    if (word !== undefined && word in KEYWORDS) return KEYWORDS[word]!;
    return fail(word === undefined ? 'unexpected character' : `unknown name "${word}"`, start);
  };

  const result = value();
  skipSpace();
  if (at < text.length) fail('unexpected text after the value');
  return result;
}
