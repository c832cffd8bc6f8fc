/**
 * Reads one right-hand side: checks its tokens against the whitelist, lets mathjs parse
 * the text into its node tree, and converts that tree at once into lawful's small tree
 * (ast.ts), refusing every node type outside the whitelist.
 *
 * mathjs nodes carry no source positions, so positions come from the tokens: mathjs keeps
 * the order of the text, so a depth-first, left-to-right walk of its tree meets the names,
 * numbers and calls in the order the tokens hold them, and each node takes the next token.
 */
import { parse as mathParse } from 'mathjs/number';
import type { MathNode } from 'mathjs/number';
import type { Expr } from './ast.js';
import { name as nameNode, num } from './ast.js';
import type { SourcePos } from './errors.js';
import { EquationError } from './errors.js';
import { FUNCTIONS, FUNCTION_NAMES, isFunctionName } from './functions.js';
import type { Token } from './lex.js';

/** Words mathjs reads as operators or constants; a name spelled like one would change the parse. */
export const MATHJS_WORDS: ReadonlySet<string> = new Set([
  'mod', 'to', 'in', 'and', 'or', 'xor', 'not', 'true', 'false', 'null', 'undefined', 'Infinity', 'NaN', 'end',
]);

/**
 * Tokens per right-hand side: far above any system written by hand or by a script, it keeps
 * differentiation and code generation (recursive over the tree) well inside the stack.
 * Parentheses nested deeper than mathjs's parser can follow end in a RangeError, which is
 * reported as "nested too deeply". A printout never nests deeper than the text it came
 * from (printExpr in ast.ts), so what parsed once parses again.
 */
export const MAX_TOKENS = 1000;

const BINARY: Record<string, '+' | '-' | '*' | '/' | '^'> = { add: '+', subtract: '-', multiply: '*', divide: '/', pow: '^' };

/** Positions of the name nodes of every parsed tree, for messages that point at a use. */
export type NamePositions = WeakMap<Expr, SourcePos>;

/** Throws "<message> at line:col<tail>". */
function fail(message: string, line: number, tok: Token, tail = ''): never {
  throw new EquationError(`${message} at ${line}:${tok.column}${tail}`, { line, column: tok.column }, tok.text);
}

const endsOperand = (t: Token, isCall: boolean) => t.kind === 'number' || t.kind === ')' || (t.kind === 'name' && !isCall);
const startsOperand = (t: Token) => t.kind === 'number' || t.kind === 'name' || t.kind === '(';

/** Token-level checks; returns which name tokens are function calls. */
function checkTokens(tokens: Token[], line: number): boolean[] {
  if (tokens.length > MAX_TOKENS) fail(`right-hand side too long (${tokens.length} tokens; at most ${MAX_TOKENS})`, line, tokens[0], ': split it with an observe line or a const');
  const isCall = tokens.map((t, i) => t.kind === 'name' && tokens[i + 1]?.kind === '(');
  const parens: { call: boolean; tok: Token }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    if (tok.kind === '=' || tok.kind === '[' || tok.kind === ']') fail(`unexpected "${tok.text}"`, line, tok);
    if (i > 0 && endsOperand(tokens[i - 1], isCall[i - 1]) && startsOperand(tok)) {
      fail(`missing operator between "${tokens[i - 1].text}" and "${tok.text}"`, line, tok);
    }
    if (tok.kind === 'number' && !Number.isFinite(Number(tok.text))) fail(`number ${tok.text} is too large`, line, tok);
    if (tok.kind === 'name') {
      const base = tok.text.replace(/'+$/, '');
      if (MATHJS_WORDS.has(base)) fail(`"${base}" is a reserved word`, line, tok);
      if (tok.text.endsWith("''")) fail(`${tok.text} cannot appear on a right-hand side`, line, tok, ' (a second derivative is what an equation defines)');
      if (isCall[i] && !isFunctionName(tok.text)) fail(`unknown function "${tok.text}"`, line, tok, ` — functions are ${FUNCTION_NAMES.join(', ')}`);
      if (!isCall[i] && isFunctionName(tok.text)) fail(`${tok.text} is a function`, line, tok, `: write ${tok.text}(…)`);
    }
    if (tok.kind === '(') parens.push({ call: i > 0 && isCall[i - 1], tok });
    if (tok.kind === ')' && !parens.pop()) fail('unexpected ")"', line, tok);
    if (tok.kind === ',' && !parens[parens.length - 1]?.call) fail('unexpected ","', line, tok);
  }
  if (parens.length) fail('unclosed "("', line, parens[parens.length - 1].tok);
  return isCall;
}

/**
 * Parses the right-hand side made of `tokens` (all from `lineText`, line `line`), after
 * the "=" token `eq`. Records the position of every name node in `positions`.
 */
export function parseExpression(lineText: string, line: number, eq: Token, tokens: Token[], positions: NamePositions): Expr {
  if (tokens.length === 0) fail('missing right-hand side after "="', line, eq);
  const isCall = checkTokens(tokens, line);
  const first = tokens[0].column - 1;
  const last = tokens[tokens.length - 1];
  const end = last.column - 1 + last.text.length;
  // The prime of x' becomes "$" (same length, so mathjs's character index is still a column):
  // mathjs would read ' as a transpose, and no user name can hold a "$".
  const chars = lineText.slice(0, end).split('');
  for (const t of tokens) if (t.kind === 'name') for (let k = t.text.indexOf("'"); k >= 0 && k < t.text.length; k++) chars[t.column - 1 + k] = '$';
  // A stray carriage return is blank to the tokenizer; make it so for mathjs too.
  const source = chars.join('').slice(first).replace(/\r/g, ' ');

  let root: MathNode;
  try {
    root = mathParse(source);
  } catch (e) {
    const char = (e as { char?: unknown }).char;
    const col = typeof char === 'number' ? first + Math.max(char, 1) : tokens[0].column;
    const tok = tokens.find((t) => t.column + t.text.length > col) ?? last;
    if (e instanceof RangeError) fail('expression nested too deeply for the parser', line, tokens[0]);
    const why = e instanceof Error ? e.message.replace(/\s*\(char \d+\)\s*$/, '') : String(e);
    fail('cannot read the expression', line, tok, ` near "${tok.text}": ${why.charAt(0).toLowerCase()}${why.slice(1)}`);
  }

  // Walk tokens that become leaves or calls, in text order.
  const leaves = tokens.map((t, i) => ({ t, call: isCall[i] })).filter((x) => x.t.kind === 'name' || x.t.kind === 'number');
  let cursor = 0;
  const next = (kind: 'name' | 'number' | 'call'): Token => {
    const x = leaves[cursor++];
    const got = x === undefined ? undefined : x.t.kind === 'number' ? 'number' : x.call ? 'call' : 'name';
    if (got !== kind) throw new Error(`equations: internal: expected a ${kind} token, found ${got} (line ${line})`);
    return x.t;
  };

  const convert = (node: MathNode): Expr => {
    const n = node as MathNode & { type: string };
    switch (n.type) {
      case 'ParenthesisNode':
        return convert((node as unknown as { content: MathNode }).content);
      case 'ConstantNode': {
        const tok = next('number');
        const v = Number(tok.text);
        if (typeof (node as unknown as { value: unknown }).value !== 'number') fail(`unexpected "${tok.text}"`, line, tok);
        return num(v);
      }
      case 'SymbolNode': {
        const tok = next('name');
        const e = nameNode(tok.text);
        positions.set(e, { line, column: tok.column });
        return e;
      }
      case 'OperatorNode': {
        const op = node as unknown as { fn: string; args: MathNode[]; implicit?: boolean; op: string };
        if (op.fn === 'unaryMinus' && op.args.length === 1) return { k: 'neg', a: convert(op.args[0]) };
        if (op.fn === 'unaryPlus' && op.args.length === 1) return convert(op.args[0]);
        const bop = BINARY[op.fn];
        if (bop && op.args.length === 2 && !op.implicit) {
          const a = convert(op.args[0]);
          return { k: 'bin', op: bop, a, b: convert(op.args[1]) };
        }
        throw new EquationError(`operator "${op.op}" is not allowed at ${line}:${tokens[0].column}`, { line, column: tokens[0].column }, op.op);
      }
      case 'FunctionNode': {
        const fnNode = node as unknown as { fn: MathNode & { type: string }; args: MathNode[] };
        const tok = next('call');
        const spec = FUNCTIONS[tok.text];
        const nargs = fnNode.args.length;
        if (nargs < spec.minArgs || nargs > spec.maxArgs) {
          const want = spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : spec.maxArgs === Infinity ? `at least ${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs}`;
          fail(`${tok.text} takes ${want} argument${want === '1' ? '' : 's'}, got ${nargs}`, line, tok);
        }
        return { k: 'call', fn: tok.text, args: fnNode.args.map(convert) };
      }
      default:
        throw new EquationError(`${n.type} is not allowed in an equation at ${line}:${tokens[0].column}`, { line, column: tokens[0].column }, tokens[0].text);
    }
  };
  const expr = convert(root);
  if (cursor !== leaves.length) throw new Error(`equations: internal: ${leaves.length - cursor} tokens left unread (line ${line})`);
  return expr;
}
