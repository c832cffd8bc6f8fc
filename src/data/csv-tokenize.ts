/**
 * Splitting delimited text into records (RFC 4180 quoting: `"a,b"`, `""` for a quote,
 * line breaks inside quotes), with line numbers, skipping blank lines and comment lines
 * (first non-blank character `#` or `%`). Line ends may be LF, CRLF or CR. Browser-safe.
 */
import { DataError } from '../core/errors.js';

/** `'ws'`: runs of spaces and tabs separate fields; leading and trailing blanks are ignored. */
export type Delimiter = ',' | ';' | '\t' | '|' | 'ws';

/** One record (row) of fields, with the 1-based line it starts on. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/** The records of a text and the comment lines met before the first record. */
export interface Tokens {
  records: CsvRecord[];
  /** Comment lines above the first record (without the leading `#` / `%`). */
  leadingComments: string[];
}

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const QUOTE = 34;
const HASH = 35;
const PERCENT = 37;

/**
 * Tokenizes `text` with `delim`, stopping after `limit` records (for delimiter detection).
 * Throws a DataError on an unterminated quote or text after a closing quote.
 */
export function tokenize(text: string, delim: Delimiter, file?: string, limit = Infinity): Tokens {
  const n = text.length;
  const d = delim === 'ws' ? -1 : delim.charCodeAt(0);
  const isBlank = (c: number) => (c === SPACE || c === TAB) && c !== d;
  const records: CsvRecord[] = [];
  const leadingComments: string[] = [];
  let pos = 0;
  let line = 1;
  /** Moves past one line end at pos (if any), counting the line. */
  const eol = () => {
    const c = text.charCodeAt(pos);
    if (c === CR) {
      pos++;
      if (text.charCodeAt(pos) === LF) pos++;
      line++;
    } else if (c === LF) {
      pos++;
      line++;
    }
  };
  const atEol = (p: number) => p >= n || text.charCodeAt(p) === LF || text.charCodeAt(p) === CR;

  while (pos < n && records.length < limit) {
    // Blank or comment line?
    let p = pos;
    while (p < n && (text.charCodeAt(p) === SPACE || text.charCodeAt(p) === TAB)) p++;
    if (atEol(p)) {
      pos = p;
      eol();
      continue;
    }
    const first = text.charCodeAt(p);
    if (first === HASH || first === PERCENT) {
      let e = p;
      while (!atEol(e)) e++;
      if (records.length === 0) leadingComments.push(text.slice(p + 1, e));
      pos = e;
      eol();
      continue;
    }

    const fields: string[] = [];
    const startLine = line;
    if (delim === 'ws') pos = p;
    while (true) {
      while (pos < n && isBlank(text.charCodeAt(pos))) pos++;
      if (text.charCodeAt(pos) === QUOTE) {
        const qLine = line;
        pos++;
        let value = '';
        let from = pos;
        while (true) {
          if (pos >= n) {
            throw new DataError('unterminated quoted field (a " is never closed)', { file, line: qLine, column: fields.length + 1 });
          }
          const c = text.charCodeAt(pos);
          if (c === QUOTE) {
            value += text.slice(from, pos);
            if (text.charCodeAt(pos + 1) === QUOTE) {
              value += '"';
              pos += 2;
              from = pos;
              continue;
            }
            pos++;
            break;
          }
          if (c === CR || c === LF) {
            value += text.slice(from, pos);
            const before = pos;
            eol();
            value += text.slice(before, pos);
            from = pos;
            continue;
          }
          pos++;
        }
        fields.push(value);
        while (pos < n && (text.charCodeAt(pos) === SPACE || text.charCodeAt(pos) === TAB) && text.charCodeAt(pos) !== d) pos++;
        if (!atEol(pos) && text.charCodeAt(pos) !== d && delim !== 'ws') {
          throw new DataError(`unexpected ${JSON.stringify(text[pos])} after a closing quote`, { file, line, column: fields.length });
        }
      } else {
        const from = pos;
        if (delim === 'ws') {
          while (!atEol(pos) && text.charCodeAt(pos) !== SPACE && text.charCodeAt(pos) !== TAB) pos++;
        } else {
          while (!atEol(pos) && text.charCodeAt(pos) !== d) pos++;
        }
        fields.push(text.slice(from, pos));
      }
      if (delim === 'ws') {
        while (pos < n && (text.charCodeAt(pos) === SPACE || text.charCodeAt(pos) === TAB)) pos++;
        if (atEol(pos)) break;
      } else if (pos < n && text.charCodeAt(pos) === d) {
        pos++;
      } else break;
    }
    eol();
    records.push({ fields, line: startLine });
  }
  return { records, leadingComments };
}
