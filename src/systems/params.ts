/**
 * Validation of system parameters: every `build` reads its values through a
 * `ParamReader`, which fills defaults and throws a `ConfigError` naming the parameter
 * (unknown name, wrong vector length, negative damping, non-finite value…).
 */
import { ConfigError } from '../core/errors.js';
import type { ParamInput, ParamValue, SystemParam } from './base.js';

/** Bounds on a number or on every entry of a vector. */
export interface Bounds {
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound (`above: 0` means strictly positive). */
  above?: number;
  /** Inclusive upper bound. */
  max?: number;
  /** Exclusive upper bound. */
  below?: number;
  /** Must be an integer. */
  integer?: boolean;
}

function describeBounds(b: Bounds): string {
  const parts: string[] = [];
  if (b.integer) parts.push('an integer');
  if (b.above !== undefined) parts.push(`> ${b.above}`);
  if (b.min !== undefined) parts.push(`≥ ${b.min}`);
  if (b.below !== undefined) parts.push(`< ${b.below}`);
  if (b.max !== undefined) parts.push(`≤ ${b.max}`);
  return parts.join(' and ');
}

function requirement(b: Bounds): string {
  const d = describeBounds(b);
  return d ? `finite and ${d}` : 'finite';
}

function inBounds(x: number, b: Bounds): boolean {
  if (!Number.isFinite(x)) return false;
  if (b.integer && !Number.isInteger(x)) return false;
  if (b.min !== undefined && x < b.min) return false;
  if (b.above !== undefined && x <= b.above) return false;
  if (b.max !== undefined && x > b.max) return false;
  if (b.below !== undefined && x >= b.below) return false;
  return true;
}

/** Reads validated parameter values for one `build` call. */
export class ParamReader {
  private readonly byName = new Map<string, SystemParam>();

  constructor(
    readonly system: string,
    params: SystemParam[],
    private readonly values: Record<string, ParamInput> = {},
  ) {
    for (const p of params) this.byName.set(p.name, p);
    for (const name of Object.keys(values)) {
      if (!this.byName.has(name)) {
        throw new ConfigError(`${system} has no parameter "${name}" (known: ${params.map((p) => p.name).join(', ')})`, name);
      }
    }
  }

  /** True when the caller gave a value (not the default). */
  given(name: string): boolean {
    return this.values[name] !== undefined;
  }

  private fail(name: string, message: string): never {
    throw new ConfigError(`${message} (system ${this.system})`, name);
  }

  private param(name: string): SystemParam {
    const p = this.byName.get(name);
    if (!p) throw new Error(`${this.system}: parameter "${name}" is read but not declared`);
    return p;
  }

  /** The raw value, with strings like "1,2,3" and booleans turned into numbers. */
  private raw(name: string): ParamValue {
    const p = this.param(name);
    const v = this.values[name];
    if (v === undefined) return p.default;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'string') {
      if (p.choices) {
        const i = p.choices.indexOf(v);
        if (i >= 0) return i;
      }
      const parts = v.split(',').map((s) => s.trim());
      const nums = parts.map((s) => (s === '' ? NaN : Number(s)));
      if (nums.some((x) => Number.isNaN(x))) {
        this.fail(name, p.choices ? `expected one of ${p.choices.join(', ')}; got "${v}"` : `expected a number or comma-separated numbers; got "${v}"`);
      }
      return nums.length === 1 ? nums[0] : nums;
    }
    return v;
  }

  /** A scalar parameter, checked against `bounds`. */
  number(name: string, bounds: Bounds = {}): number {
    const v = this.raw(name);
    if (Array.isArray(v)) this.fail(name, `expected a number; got a vector of length ${v.length}`);
    if (!Number.isFinite(v)) this.fail(name, `must be finite; got ${v}`);
    if (!inBounds(v, bounds)) this.fail(name, `must be ${describeBounds(bounds)}; got ${v}`);
    return v;
  }

  /** A 0/1 flag. */
  flag(name: string): boolean {
    const v = this.number(name);
    if (v !== 0 && v !== 1) this.fail(name, `must be 0/1 or false/true; got ${v}`);
    return v === 1;
  }

  /** An enumerated parameter: the name of the chosen option. */
  choice(name: string): string {
    const p = this.param(name);
    const choices = p.choices ?? [];
    const v = this.number(name, { integer: true, min: 0 });
    if (v >= choices.length) this.fail(name, `expected one of ${choices.join(', ')}; got index ${v}`);
    return choices[v];
  }

  /** A vector of any length (a scalar gives length 1), each entry checked against `bounds`. */
  numbers(name: string, bounds: Bounds = {}): Float64Array {
    const v = this.raw(name);
    const out = Float64Array.from(Array.isArray(v) ? v : [v]);
    for (let i = 0; i < out.length; i++) {
      if (!inBounds(out[i], bounds)) this.fail(name, `entry ${i} must be ${requirement(bounds)}; got ${out[i]}`);
    }
    return out;
  }

  /**
   * A vector parameter of exactly `length` entries. A scalar is broadcast. When the caller
   * gave nothing and the default has the wrong length (because a size parameter changed),
   * `fallback(length)` supplies the default.
   */
  vector(name: string, length: number, bounds: Bounds = {}, fallback?: (n: number) => number[]): Float64Array {
    let v = this.raw(name);
    // An empty vector means "the default for this size", so callers may pass defaults through.
    if (Array.isArray(v) && (v.length === 0 || (!this.given(name) && v.length !== length))) {
      if (!fallback) this.fail(name, `the default has length ${v.length}; give ${length} values`);
      v = fallback(length);
    }
    const out = new Float64Array(length);
    if (Array.isArray(v)) {
      if (v.length !== length) this.fail(name, `expected ${length} values (length ${this.param(name).length ?? length}); got ${v.length}`);
      out.set(v);
    } else {
      out.fill(v);
    }
    for (let i = 0; i < length; i++) {
      if (!Number.isFinite(out[i])) this.fail(name, `entry ${i} must be finite; got ${out[i]}`);
      if (!inBounds(out[i], bounds)) this.fail(name, `entry ${i} must be ${describeBounds(bounds)}; got ${out[i]}`);
    }
    return out;
  }
}

/** n evenly spaced values from a to b inclusive (a when n = 1). */
export function linspace(a: number, b: number, n: number): number[] {
  if (n === 1) return [a];
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}
