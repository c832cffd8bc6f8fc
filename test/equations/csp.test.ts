// Where a page's Content-Security-Policy forbids generated code, `new Function` throws; the
// equation language then runs every program by its interpreter, with the same numbers.
import { describe, expect, it, vi } from 'vitest';
import { compileSystem } from '../../src/equations/index.js';

describe('equation language under a CSP without unsafe-eval', () => {
  it('new Function refused → the interpreter takes over, transparently', () => {
    const refuse = function () {
      throw new EvalError("Refused to evaluate a string as JavaScript because 'unsafe-eval' is not an allowed source");
    };
    vi.stubGlobal('Function', refuse);
    let sys;
    try {
      // The first compile of this test file probes `new Function` and finds it refused.
      sys = compileSystem("param k = 2\nx'' = -k*x - 0.5*x'");
    } finally {
      vi.unstubAllGlobals();
    }
    expect(sys.evaluator).toBe('interpreted');
    const term = sys.term();
    const dy = new Float64Array(2);
    term.f(0, Float64Array.of(1, 4), Float64Array.of(2), dy);
    expect([...dy]).toEqual([4, -2 - 2]);
  });
});
