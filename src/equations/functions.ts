/**
 * The fixed list of functions an equation may call. Each maps to one JavaScript `Math`
 * function, which both the code generator (by its fixed name `Math.sin`) and the
 * interpreter (by reference) call, so both give the same numbers bit for bit.
 * Derivative rules live in derive.ts, next to the other rules.
 */

export interface FunctionSpec {
  /** Smallest and largest number of arguments (Infinity: any number ≥ min). */
  minArgs: number;
  maxArgs: number;
  /** The `Math` member both evaluators call. */
  impl: (...args: number[]) => number;
  /** Its name in generated code: always `Math.<member>`, never text from the user. */
  code: string;
}

const one = (impl: (x: number) => number, code: string): FunctionSpec => ({ minArgs: 1, maxArgs: 1, impl, code });

/** Whitelisted functions by the name users write. */
export const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = Object.freeze({
  sin: one(Math.sin, 'Math.sin'),
  cos: one(Math.cos, 'Math.cos'),
  tan: one(Math.tan, 'Math.tan'),
  asin: one(Math.asin, 'Math.asin'),
  acos: one(Math.acos, 'Math.acos'),
  atan: one(Math.atan, 'Math.atan'),
  sinh: one(Math.sinh, 'Math.sinh'),
  cosh: one(Math.cosh, 'Math.cosh'),
  tanh: one(Math.tanh, 'Math.tanh'),
  exp: one(Math.exp, 'Math.exp'),
  log: one(Math.log, 'Math.log'),
  sqrt: one(Math.sqrt, 'Math.sqrt'),
  abs: one(Math.abs, 'Math.abs'),
  sign: one(Math.sign, 'Math.sign'),
  atan2: { minArgs: 2, maxArgs: 2, impl: Math.atan2, code: 'Math.atan2' },
  pow: { minArgs: 2, maxArgs: 2, impl: Math.pow, code: 'Math.pow' },
  min: { minArgs: 2, maxArgs: Infinity, impl: Math.min, code: 'Math.min' },
  max: { minArgs: 2, maxArgs: Infinity, impl: Math.max, code: 'Math.max' },
});

export const FUNCTION_NAMES: readonly string[] = Object.keys(FUNCTIONS);

export function isFunctionName(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(FUNCTIONS, name);
}
