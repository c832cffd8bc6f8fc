import { describe, expect, it } from 'vitest';
import { formatConfig, formatEquation, readableConfig } from '../../src/report/config-text.js';
import { renderHtml } from '../../src/report/html.js';
import { formatRunDetail } from '../../src/runs/format.js';
import type { RunRecord } from '../../src/runs/record.js';
import { exampleResults } from './fixtures.js';

describe('equations as printed', () => {
  it('writes each sign once: "+ -0.4265" reads "− 0.4265"', () => {
    expect(formatEquation('y = 0.61·x1 + 0.52·x2 + -0.4265')).toBe('y = 0.61·x1 + 0.52·x2 − 0.4265');
    expect(formatEquation("x1'' = −1.2²·x1 − 0.02·x1' − -0.013·(x1 − x2)")).toBe("x1'' = −1.2²·x1 − 0.02·x1' + 0.013·(x1 − x2)");
    expect(formatEquation('y(t) = -0.2 + 1.1·cos(1.3·t + -0.52)')).toBe('y(t) = −0.2 + 1.1·cos(1.3·t − 0.52)');
    // Exponents and hyphenated names are not signs.
    expect(formatEquation('y-obs = 1e-5 + -3.2e-3·x')).toBe('y-obs = 1e-5 − 3.2e-3·x');
    expect(formatEquation("y(t + Δt) = y(t)")).toBe('y(t + Δt) = y(t)');
  });
});

describe('configuration as shown', () => {
  const config = { system: 'coupled-pendulums', systemParams: { n: 4, smallAngle: 1, coupling: 1, length: [1, 1.1] }, nonlinear: false };

  it('shows a system parameter with choices by name and a flag as true/false, leaving the record unchanged', () => {
    expect(readableConfig(config)).toEqual({ ...config, systemParams: { n: 4, smallAngle: true, coupling: 'chain', length: [1, 1.1] } });
    expect(config.systemParams.smallAngle).toBe(1);
    expect(formatConfig(config)).toContain('"smallAngle": true');
    expect(formatConfig(config)).not.toContain('"smallAngle": 1');
    // Anything else passes through: an unknown system, an index out of range, no system at all.
    expect(readableConfig({ system: 'nosuch', systemParams: { smallAngle: 1 } })).toEqual({ system: 'nosuch', systemParams: { smallAngle: 1 } });
    expect(readableConfig({ system: 'coupled-pendulums', systemParams: { smallAngle: 7 } })).toEqual({ system: 'coupled-pendulums', systemParams: { smallAngle: 7 } });
    expect(readableConfig(['x'])).toEqual(['x']);
  });

  it('index.html and `runs show` show both', () => {
    const results = exampleResults();
    results.config = config;
    results.models[0].describe.equations = ['y = 0.61·x1 + -0.4265'];
    const html = renderHtml({ results });
    expect(html).toContain('<code>y = 0.61·x1 − 0.4265</code>');
    expect(html).toContain('&quot;smallAngle&quot;: true,\n');
    expect(html).toContain('&quot;coupling&quot;: &quot;chain&quot;');
    const run: RunRecord = { id: 'aaaa1111bbbb2222', command: 'demo', status: 'completed', startedAt: '2026-11-26T13:42:03.120Z', config, argv: ['demo'], pid: 1, host: 'h', results };
    const text = formatRunDetail(run);
    expect(text).toContain('"smallAngle": true');
    expect(text).toContain('"coupling": "chain"');
  });
});
