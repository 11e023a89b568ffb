import { XMLParser, XMLValidator, type XMLMetaData } from 'fast-xml-parser';

/**
 * An element as fast-xml-parser gives it: children by local name (namespace prefixes removed),
 * attributes as `@_name`, text as a plain string or, beside attributes, as `#text`.
 */
export type XmlNode = Record<string, unknown>;

/** A parsed document and a way back to line numbers for refs and error messages. */
export interface XmlDocument {
  root: XmlNode;
  /** The 1-based line where an element starts; undefined for text-only elements. */
  lineOf(node: unknown): number | undefined;
}

/** Why a document could not be parsed, and the line where that shows. */
export interface XmlFault {
  line: number;
  reason: string;
}

// Typed as the boxed `Symbol` by the library; it is a plain symbol.
const META = XMLParser.getMetaDataSymbol() as symbol;

/**
 * Makes a parser for one document shape. `repeated` names the elements that may occur more than
 * once, so they always come back as arrays, even when a document has only one.
 *
 * @example
 * const parse = xmlParser(['entry', 'author']);
 * const parsed = parse(text);
 * if ('reason' in parsed) console.error(`line ${parsed.line}: ${parsed.reason}`);
 */
export function xmlParser(repeated: readonly string[]): (text: string) => XmlDocument | XmlFault {
  const arrays = new Set(repeated);
  const parser = new XMLParser({
    ignoreAttributes: false,
    removeNSPrefix: true,
    // Ids such as 1401.2122 and titles such as "0" must stay strings.
    parseTagValue: false,
    // Without it, numeric character references (&#233;) stay undecoded.
    htmlEntities: true,
    captureMetaData: true,
    isArray: (name, _path, _isLeaf, isAttribute) => !isAttribute && arrays.has(name),
  });
  return (text) => {
    // The parser quietly accepts a truncated document, so validate first: it says where.
    const valid = XMLValidator.validate(text);
    if (valid !== true) return describeFault(valid.err, text);
    const root = parser.parse(text) as XmlNode;
    let lineStarts: number[] | undefined;
    return {
      root,
      lineOf(node) {
        const meta = isNode(node) ? ((node as Record<symbol, unknown>)[META] as XMLMetaData | undefined) : undefined;
        const index = meta?.startIndex;
        if (index === undefined) return undefined;
        lineStarts ??= newlineOffsets(text);
        return lineAt(lineStarts, index);
      },
    };
  };
}

/** The text of an element, whether given as a string or beside attributes; '' when absent. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return textOf(value[0]);
  if (isNode(value) && '#text' in value) return String(value['#text']);
  return '';
}

/** An attribute of an element, or undefined. */
export function attrOf(value: unknown, name: string): string | undefined {
  const node = Array.isArray(value) ? value[0] : value;
  const attr = isNode(node) ? node[`@_${name}`] : undefined;
  return attr === undefined ? undefined : String(attr);
}

/** An element as a node, or undefined when it is absent or only text. */
export function nodeOf(value: unknown): XmlNode | undefined {
  const node = Array.isArray(value) ? value[0] : value;
  return isNode(node) ? node : undefined;
}

/** Zero, one or many occurrences of an element, as an array. */
export function listOf(value: unknown): unknown[] {
  if (value === undefined || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeFault(err: { msg: string; line: number; col?: number }, text: string): XmlFault {
  // The validator reports tags left open at the end as "Invalid '[ "a", "b" ]' found" at line 1.
  const open = /^Invalid '\[(.*)\]' found/s.exec(err.msg);
  if (open) {
    const path = [...open[1]!.matchAll(/"([^"]+)"/g)].map((m) => `<${m[1]}>`).join(' > ');
    return { line: lastLine(text), reason: `truncated: the document ends inside ${path}` };
  }
  return { line: err.line, reason: err.col === undefined ? err.msg : `${err.msg} (column ${err.col})` };
}

function lastLine(text: string): number {
  const trimmed = text.replace(/\s+$/, '');
  return trimmed.split('\n').length;
}

function newlineOffsets(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineAt(lineStarts: number[], index: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lineStarts[mid]! <= index) low = mid;
    else high = mid - 1;
  }
  return low + 1;
}
