/** `build` rejects every impossible value with a ConfigError naming the parameter. */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import type { ParamInput } from '../../src/systems/base.js';
import { getSystem, systems } from '../../src/systems/index.js';

function rejects(system: string, params: Record<string, ParamInput>, parameter: string, message: RegExp): void {
  let err: unknown;
  try {
    getSystem(system).build(params);
  } catch (e) {
    err = e;
  }
  expect(err, `${system} ${JSON.stringify(params)}`).toBeInstanceOf(ConfigError);
  expect((err as ConfigError).parameter).toBe(parameter);
  expect((err as ConfigError).message).toMatch(message);
}

describe('system parameters', () => {
  it('every system builds from its documented defaults, passed explicitly or not', () => {
    for (const s of systems) {
      const defaults = Object.fromEntries(s.params.map((p) => [p.name, p.default]));
      const a = s.build();
      const b = s.build(defaults);
      expect(Array.from(b.y0)).toEqual(Array.from(a.y0));
      expect(Array.from(b.theta)).toEqual(Array.from(a.theta));
      expect(s.description.length).toBeGreaterThan(20);
      for (const p of s.params) expect(p.description.length, `${s.name}.${p.name}`).toBeGreaterThan(3);
      if (a.invariants.length === 0) expect(a.conservative).toBe(false);
    }
  });

  it('unknown systems and unknown parameters are named, with the known ones listed', () => {
    expect(() => getSystem('pendulumm')).toThrow(/unknown system "pendulumm" \(known: coupled-pendulums, .*pendulum/);
    rejects('pendulum', { omgea: 1 }, 'omgea', /no parameter "omgea" \(known: omega, q0, p0\)/);
  });

  it('rejects wrong vector lengths, negative damping, non-finite values', () => {
    rejects('coupled-pendulums', { w: [1, 2, 3] }, 'w', /expected 4 values/);
    rejects('coupled-pendulums', { g: [0.1, -0.1, 0, 0] }, 'g', /entry 1 must be ≥ 0/);
    rejects('coupled-pendulums', { x0: [0, NaN, 0, 0] }, 'x0', /finite/);
    rejects('coupled-pendulums', { N: 2.5 }, 'N', /integer/);
    rejects('coupled-pendulums', { N: 3, w: [1, 2, 3, 4] }, 'w', /expected 3 values/);
    rejects('mass-spring-chain', { c: -1 }, 'c', /≥ 0/);
    rejects('mass-spring-chain', { n: 3, k: [1, 1, 1] }, 'k', /expected 4 values/);
    rejects('mass-spring-chain', { m: 0 }, 'm', /> 0/);
    rejects('duffing', { delta: -0.1 }, 'delta', /≥ 0/);
    rejects('pendulum', { omega: Infinity }, 'omega', /finite/);
    rejects('two-body', { e: 1 }, 'e', /< 1/);
    rejects('lotka-volterra', { x0: [1, 0] }, 'x0', /> 0/);
    rejects('van-der-pol', { mu: -1 }, 'mu', /≥ 0/);
    rejects('lorenz', { x0: '1,2' }, 'x0', /expected 3 values/);
  });

  it('coupling matrices must be symmetric, zero on the diagonal, and fit the topology', () => {
    const k = [0, 0.1, 0, 0, 0.2, 0, 0.1, 0, 0, 0.1, 0, 0.1, 0, 0, 0.1, 0];
    rejects('coupled-pendulums', { k }, 'k', /symmetric; k_12 = 0.1 but k_21 = 0.2/);
    rejects('coupled-pendulums', { k: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }, 'k', /diagonal/);
    rejects('coupled-pendulums', { k: [0.1, 0.2] }, 'k', /scalar strength or 16 values/);
    rejects('coupled-pendulums', { coupling: 'chain' }, 'k', /nearest neighbours, but k_13/);
    rejects('coupled-pendulums', { coupling: 'ring' }, 'coupling', /one of all, chain/);
    rejects('coupled-pendulums', { smallAngle: 2 }, 'smallAngle', /0\/1/);
  });

  it('accepts choice names, booleans and comma-separated strings', () => {
    const b = getSystem('coupled-pendulums').build({ N: '2', w: '1,2', g: '0', k: '0.5', coupling: 'chain', smallAngle: false, x0: 0.1, v0: 0 });
    expect(b.term.kind).toBe('split');
    expect(Array.from(b.theta)).toEqual([1, 2, 0, 0.5, 0.5, 0]);
  });

  it('other sizes get documented fallback defaults', () => {
    const b = getSystem('coupled-pendulums').build({ N: 3, x0: [], v0: [], w: [], g: [] });
    expect(Array.from(b.theta.subarray(0, 3))).toEqual([1, 2, 3]);
    expect(Array.from(b.y0)).toEqual([0.5, 0, 0, 0, 0, 0]);
    expect(b.modes!()).toHaveLength(3);
    const c = getSystem('mass-spring-chain').build({ n: 6 });
    expect(c.y0.length).toBe(12);
  });
});
