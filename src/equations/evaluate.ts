/**
 * The two evaluators of a program (program.ts): JavaScript printed from it and compiled
 * with `new Function`, and an interpreter for pages whose Content-Security-Policy forbids
 * generated code. Both run the same operations in the same order and call the same `Math`
 * functions, so they agree bit for bit.
 *
 * Why generated code is safe here: its text is printed from the program only — registers
 * `r3`, arrays `y[2]`/`p[0]`, numbers re-printed from their parsed doubles, and `Math.<fn>`
 * from the fixed table in functions.ts. No character of the user's text reaches it;
 * `isWhitelistedSource` states that as a check the tests run on every generated text.
 */
import { EquationError } from './errors.js';
import { FUNCTIONS } from './functions.js';
import type { Instr, Kernel, Program } from './program.js';

/** Fills `out` with the inputs' values at time t, in the order the system declares them. */
export type InputFunction = (t: number, out: Float64Array) => void;

/** A number as JavaScript source that reads back to the same double. */
export function numberCode(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`equations: internal: non-finite literal ${v}`);
  if (v < 0 || Object.is(v, -0)) return `(-${String(-v)})`;
  return String(v);
}

function instrCode(ins: Instr, r: (i: number) => string): string {
  switch (ins.op) {
    case 'y':
    case 'p':
    case 'v':
      return `${ins.op}[${ins.i}]`;
    case 'u':
      return `U[${ins.i}]`;
    case 't':
      return 't';
    case 'const':
      return numberCode(ins.value);
    case 'neg':
      return `-${r(ins.a)}`;
    case 'call':
      return `${FUNCTIONS[ins.fn].code}(${ins.args.map(r).join(', ')})`;
    case '^':
      // Math.pow by name (not **) so the interpreter calls the very same function.
      return `Math.pow(${r(ins.a)}, ${r(ins.b)})`;
    default:
      return `${r(ins.a)} ${ins.op} ${r(ins.b)}`;
  }
}

/** The body of the kernel's source: `function (t, y, p, v, o1, o2) { … }`. */
export function kernelSource(prog: Program): string {
  const r = (i: number) => `r${i}`;
  const lines = ['"use strict";', 'return function (t, y, p, v, o1, o2) {'];
  if (prog.usesInputs) lines.push('  inp(t, U);');
  prog.instrs.forEach((ins, i) => lines.push(`  const r${i} = ${instrCode(ins, r)};`));
  for (const o of prog.outputs) lines.push(`  o${o.target + 1}[${o.index}] ${o.accumulate ? '+=' : '='} ${r(o.reg)};`);
  lines.push('};');
  return lines.join('\n');
}

const ALLOWED_WORDS = new Set(['use', 'strict', 'return', 'function', 'const', 't', 'y', 'p', 'v', 'o1', 'o2', 'U', 'inp', 'Math', ...Object.values(FUNCTIONS).map((f) => f.code.slice(5))]);

/**
 * True when `src` holds nothing but what `kernelSource` prints: the fixed words above,
 * registers, numbers and operators. A canary for any path by which user text could leak in.
 */
export function isWhitelistedSource(src: string): boolean {
  const rest = src.replace(/"use strict";/, '');
  for (const m of rest.matchAll(/[A-Za-z_$][A-Za-z0-9_$]*|\d+(?:\.\d*)?(?:e[+-]?\d+)?|\S/g)) {
    const w = m[0];
    if (/^[A-Za-z_$]/.test(w)) {
      if (!ALLOWED_WORDS.has(w) && !/^r\d+$/.test(w)) return false;
    } else if (!/^\d/.test(w) && !'()[]{};,.=+-*/'.includes(w)) return false;
  }
  return true;
}

/** Compiles a program to a JavaScript function; throws where `new Function` is refused (CSP). */
export function compileKernel(prog: Program, inputs: InputFunction | undefined, nInputs: number): Kernel {
  const src = kernelSource(prog);
  // The source is printed from the checked program only; refuse it outright if anything
  // but the whitelisted words, registers, numbers and operators ever appears in it.
  if (!isWhitelistedSource(src)) throw new EquationError('internal: generated code left the whitelist; refusing to compile it');
  const make = new Function('U', 'inp', src) as (U: Float64Array, inp: InputFunction | undefined) => Kernel;
  return make(new Float64Array(nInputs), inputs);
}

/** Runs a program by walking its instructions: the same numbers as `compileKernel`, no generated code. */
export function interpretKernel(prog: Program, inputs: InputFunction | undefined, nInputs: number): Kernel {
  const { instrs, outputs, usesInputs } = prog;
  const R = new Float64Array(instrs.length);
  const U = new Float64Array(nInputs);
  const argBuf = instrs.map((ins) => (ins.op === 'call' ? new Array<number>(ins.args.length) : []));
  return (t, y, p, v, o1, o2) => {
    if (usesInputs) inputs!(t, U);
    for (let i = 0; i < instrs.length; i++) {
      const ins = instrs[i];
      switch (ins.op) {
        case 'y':
          R[i] = y[ins.i];
          break;
        case 'p':
          R[i] = p[ins.i];
          break;
        case 'v':
          R[i] = v[ins.i];
          break;
        case 'u':
          R[i] = U[ins.i];
          break;
        case 't':
          R[i] = t;
          break;
        case 'const':
          R[i] = ins.value;
          break;
        case 'neg':
          R[i] = -R[ins.a];
          break;
        case '+':
          R[i] = R[ins.a] + R[ins.b];
          break;
        case '-':
          R[i] = R[ins.a] - R[ins.b];
          break;
        case '*':
          R[i] = R[ins.a] * R[ins.b];
          break;
        case '/':
          R[i] = R[ins.a] / R[ins.b];
          break;
        case '^':
          R[i] = Math.pow(R[ins.a], R[ins.b]);
          break;
        case 'call': {
          const args = argBuf[i];
          for (let k = 0; k < args.length; k++) args[k] = R[ins.args[k]];
          R[i] = FUNCTIONS[ins.fn].impl(...args);
          break;
        }
      }
    }
    for (const o of outputs) {
      const out = o.target === 0 ? o1 : o2;
      if (o.accumulate) out[o.index] += R[o.reg];
      else out[o.index] = R[o.reg];
    }
  };
}
