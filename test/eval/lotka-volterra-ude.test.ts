// The UDE scenario of Rackauckas et al. (2020): from 31 noisy samples on t ∈ [0, 3], the
// UDE's SINDy step finds the interaction terms, the recovered system refitted as an equation
// model gets β and γ within 5%, and it forecasts longer than the neural ODE.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { lotkaVolterraUdeScenario, RECOVERED_NAME } from '../../src/eval/scenarios/lotka-volterra-ude.js';

describe('lawful demo --scenario lotka-volterra-ude', () => {
  it('recovers β = 0.9 and γ = 0.8 through the UDE and SINDy at 5% noise; the recovered equation outlasts the neural ODE beyond t = 3', async () => {
    const run = await lotkaVolterraUdeScenario.run({ seed: 0, noise: 0.05, models: ['ude', 'neural-ode'] });
    expect(run.failures).toEqual([]);
    expect(run.results.models.map((m) => [m.name, m.family])).toEqual([['ude', 'ude'], ['neural-ode', 'neural-ode'], [RECOVERED_NAME, 'equation']]);
    const recovered = run.results.models[2];
    const values = recovered.describe.values as { name: string; value: number }[];
    // only the two interaction coefficients were discovered: k1 on prey·predator in prey', k2 in predator'
    expect(values.map((v) => v.name)).toEqual(['k1', 'k2']);
    expect(Math.abs(values[0].value + 0.9) / 0.9).toBeLessThan(0.05);
    expect(Math.abs(values[1].value - 0.8) / 0.8).toBeLessThan(0.05);
    const vpt = (name: string) => run.results.models.find((m) => m.name === name)!.metrics.validPredictionTime;
    expect(vpt(RECOVERED_NAME)).toBeGreaterThan(vpt('neural-ode'));
    expect(run.split).toEqual({ trainFrom: 0, trainUntil: 3, until: 50 });
    expect(run.truth.t[run.truth.t.length - 1]).toBe(50);
  }, 180_000);

  it('refuses options for a family the run does not fit, and a negative noise, naming the flag', async () => {
    await expect(lotkaVolterraUdeScenario.run({ seed: 0, noise: 0.05, models: ['ude'], configs: { lstm: { hidden: 4 } } })).rejects.toThrow(ConfigError);
    await expect(lotkaVolterraUdeScenario.run({ seed: 0, noise: -1, models: ['ude'] })).rejects.toThrow(/--noise/);
  });
});
