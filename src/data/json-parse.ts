/**
 * A strict JSON parser (RFC 8259) that keeps the position of every value, so a data error
 * deep in a file can name its line and column, the same in every JavaScript engine
 * (JSON.parse messages differ between V8, SpiderMonkey and JavaScriptCore and often
 * omit the position). One extension: `NaN`, `Infinity` and `-Infinity`, which Python's
 * json module writes by default. Browser-safe.
 */
import { DataError } from '../core/errors.js';

/** A JSON value with the character offset where it starts. */
export type JsonNode =
  /** `text`: the number as written (`0.100`), whose last digit tells its precision. */
  | { kind: 'number'; value: number; at: number; text: string }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'literal'; value: boolean | null; at: number }
  | { kind: 'array'; items: JsonNode[]; at: number }
  | { kind: 'object'; entries: { key: string; keyAt: number; value: JsonNode }[]; at: number };

/** Nesting deeper than this is refused (a DataError, not a stack overflow). */
const MAX_DEPTH = 256;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Maps character offsets to 1-based line and column. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}

/**
 * Parses `text`: one JSON value, surrounding blanks allowed; or JSON Lines (jsonlines.org,
 * also called NDJSON): when a second object or array starts on a later line, every line is
 * a value of its own and the result is an array of them, positioned at offset 0. A JSON
 * Lines record ends with its line, so a record cut short is reported on its own line, not
 * on the next record that the parser would otherwise read as its continuation.
 */
export function parseJsonNodes(text: string, lines: LineIndex, file?: string): JsonNode {
  let pos = 0;
  /** Where the value being parsed must end: the text's end, or in JSON Lines its line's end. */
  let end = text.length;
  const fail = (msg: string, at = pos): never => {
    throw new DataError(msg, { file, ...lines.position(at) });
  };
  const describe = (at: number) =>
    at >= text.length ? 'end of file' : at >= end ? 'the end of the line' : JSON.stringify(text.slice(at, Math.min(end, at + 12)));
  const blanks = () => {
    while (pos < end) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) pos++;
      else break;
    }
  };
  const literal = (word: string): boolean => {
    if (text.startsWith(word, pos)) {
      pos += word.length;
      return true;
    }
    return false;
  };
  const string = (): string => {
    const start = pos;
    pos++; // opening quote
    let out = '';
    let from = pos;
    while (true) {
      if (pos >= end) fail(end < text.length ? 'unterminated string: it runs to the end of the line' : 'unterminated string', start);
      const c = text.charCodeAt(pos);
      if (c === 34) break;
      if (c < 32) fail('control character in a string (escape it)');
      if (c === 92) {
        out += text.slice(from, pos);
        const e = text[pos + 1];
        if (e === 'u') {
          const hex = text.slice(pos + 2, pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape in a string');
          out += String.fromCharCode(parseInt(hex, 16));
          pos += 6;
        } else if (e !== undefined && e in ESCAPES) {
          out += ESCAPES[e];
          pos += 2;
        } else fail(`bad escape \\${e ?? ''} in a string`);
        from = pos;
        continue;
      }
      pos++;
    }
    out += text.slice(from, pos);
    pos++;
    return out;
  };
  const value = (depth: number): JsonNode => {
    if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
    blanks();
    const at = pos;
    const c = text[pos];
    if (c === '{') {
      pos++;
      const entries: { key: string; keyAt: number; value: JsonNode }[] = [];
      const seen = new Set<string>();
      blanks();
      if (text[pos] === '}') {
        pos++;
        return { kind: 'object', entries, at };
      }
      while (true) {
        blanks();
        if (text[pos] !== '"') fail(`expected a "key" in an object, found ${describe(pos)}`);
        const keyAt = pos;
        const key = string();
        if (seen.has(key)) fail(`duplicate key ${JSON.stringify(key)}`, keyAt);
        seen.add(key);
        blanks();
        if (text[pos] !== ':') fail(`expected ':' after key ${JSON.stringify(key)}, found ${describe(pos)}`);
        pos++;
        entries.push({ key, keyAt, value: value(depth + 1) });
        blanks();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return { kind: 'object', entries, at };
        }
        fail(`expected ',' or '}' in an object, found ${describe(pos)}`);
      }
    }
    if (c === '[') {
      pos++;
      const items: JsonNode[] = [];
      blanks();
      if (text[pos] === ']') {
        pos++;
        return { kind: 'array', items, at };
      }
      while (true) {
        items.push(value(depth + 1));
        blanks();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return { kind: 'array', items, at };
        }
        fail(`expected ',' or ']' in an array, found ${describe(pos)}`);
      }
    }
    if (c === '"') return { kind: 'string', value: string(), at };
    if (literal('true')) return { kind: 'literal', value: true, at };
    if (literal('false')) return { kind: 'literal', value: false, at };
    if (literal('null')) return { kind: 'literal', value: null, at };
    if (literal('NaN')) return { kind: 'number', value: NaN, at, text: 'NaN' };
    if (literal('Infinity')) return { kind: 'number', value: Infinity, at, text: 'Infinity' };
    if (literal('-Infinity')) return { kind: 'number', value: -Infinity, at, text: '-Infinity' };
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (m && m[0] !== '-') {
      pos += m[0].length;
      return { kind: 'number', value: Number(m[0]), at, text: m[0] };
    }
    return fail(`expected a JSON value, found ${describe(pos)}`);
  };

  /** Skips spaces, tabs and carriage returns; true if a newline (or the end) follows. */
  const endOfLine = (): boolean => {
    while (pos < text.length && (text[pos] === ' ' || text[pos] === '\t' || text[pos] === '\r')) pos++;
    return pos >= text.length || text[pos] === '\n';
  };

  /** The end of the line that `from` is on (the index of its `\n`, or the text's end). */
  const lineEnd = (from: number) => {
    const nl = text.indexOf('\n', from);
    return nl < 0 ? text.length : nl;
  };
  /** Parses one JSON Lines record bounded by its line, then moves past the line. */
  const record = (): JsonNode => {
    end = lineEnd(pos);
    const v = value(0);
    if (!endOfLine()) fail(`expected the end of the line after a JSON Lines record, found ${describe(pos)}`);
    end = text.length;
    blanks();
    return v;
  };

  if (text.trim() === '') fail('the file is empty', 0);
  blanks();
  const first = pos;
  let root: JsonNode | undefined;
  // A first line that is a whole object or array on its own, with more to come, starts JSON Lines.
  if (text[first] === '{' || text[first] === '[') {
    try {
      end = lineEnd(first);
      const v = value(0);
      if (endOfLine()) root = v;
    } catch {
      // Not a value on one line: a JSON document spread over lines.
    }
    end = text.length;
    if (root !== undefined) {
      blanks();
      if (pos >= text.length) return root;
      if (text[pos] !== '{' && text[pos] !== '[') fail(`unexpected ${describe(pos)} after the JSON value`);
    }
  }
  if (root === undefined) {
    pos = first;
    root = value(0);
    const newline = endOfLine();
    blanks();
    if (pos >= text.length) return root;
    if (!newline || (root.kind !== 'object' && root.kind !== 'array') || (text[pos] !== '{' && text[pos] !== '[')) {
      fail(`unexpected ${describe(pos)} after the JSON value`);
    }
  }
  const items = [root];
  while (pos < text.length) items.push(record());
  return { kind: 'array', items, at: 0 };
}
