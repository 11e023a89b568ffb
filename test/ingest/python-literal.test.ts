import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PaperfeedError } from '../../src/errors.js';
import { parsePythonLiteral } from '../../src/ingest/python-literal.js';

test('dicts, lists, numbers and the three keywords become their JSON values', () => {
  assert.deepEqual(
    parsePythonLiteral("{'id': '2412.07730', 'upvotes': 41, 'score': -2.5e3, 'half': .5, 'hidden': False, 'isPro': True, 'repo': None, 'tags': ['a', [], {},],}"),
    { id: '2412.07730', upvotes: 41, score: -2500, half: 0.5, hidden: false, isPro: true, repo: null, tags: ['a', [], {}] },
  );
  assert.deepEqual(parsePythonLiteral(' [ 1 , 2 ] '), [1, 2]);
  assert.deepEqual(parsePythonLiteral('{1: "one"}'), { 1: 'one' });
});

test('strings take either quote and all of Python\'s escapes', () => {
  // repr switches to double quotes when the text holds a single quote.
  assert.equal(parsePythonLiteral(`"I Don't Know"`), "I Don't Know");
  assert.equal(parsePythonLiteral(String.raw`'I don\'t know, "she" said'`), `I don't know, "she" said`);
  assert.equal(parsePythonLiteral(String.raw`'line\nbreak\ttab\\backslash'`), 'line\nbreak\ttab\\backslash');
  assert.equal(parsePythonLiteral(String.raw`'na\\"ive'`), 'na\\"ive');
  assert.equal(parsePythonLiteral(String.raw`'\x41BC \u00e9 \U0001F600 \101 \0'`), 'ABC é 😀 A \0');
  // Python keeps the backslash of an escape it does not know.
  assert.equal(parsePythonLiteral(String.raw`'\q \8'`), '\\q \\8');
  assert.equal(parsePythonLiteral("'héllo 世界'"), 'héllo 世界');
});

test('a key named __proto__ stays a plain key', () => {
  const value = parsePythonLiteral("{'__proto__': {'polluted': True}}") as Record<string, unknown>;
  assert.deepEqual(Object.keys(value), ['__proto__']);
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
});

test('text that is no Python literal is a bad_input error at the position it stops', () => {
  const cases: [string, string][] = [
    ["{'a': 1", 'expected "," or "}" at position 7'],
    ["{'a' 1}", 'expected ":" at position 5'],
    ["'abc", 'unterminated string at position 0'],
    ["'two\nlines'", 'unterminated string at position 0'],
    ["[1, 2] x", 'unexpected text after the value at position 7'],
    ["{'a': nan}", 'unknown name "nan" at position 6'],
    [String.raw`'\x4'`, '\\x needs 2 hex digits at position 1'],
    ["{[1]: 2}", 'dict keys must be strings or numbers at position 1'],
    ['', 'unexpected end of text at position 0'],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parsePythonLiteral(text), (error: unknown) => {
      assert.ok(error instanceof PaperfeedError);
      assert.equal(error.code, 'bad_input');
      assert.equal(error.message, message);
      return true;
    }, text);
  }
});
