/**
 * The audit's report card (issue 12, docs/audit.md): per model of a finished run, accuracy
 * inside and beyond the window, measured and predicted valid prediction time, calibration of
 * its intervals, the adversarial probe, and what the model says of itself (equations,
 * parameters with intervals, combinations the data cannot tell apart). Assembled from a
 * results.json record as read back (non-finite metrics are null there); rendering is the
 * caller's (`lawful audit`). Browser-safe.
 */

/** A metric as results.json holds it: null where it was not finite. */
type Metric = number | null | undefined;

/** What the card reads of one model's results.json entry. */
export interface AuditModelInput {
  name: string;
  family: string;
  metrics: {
    nrmseIn?: Metric;
    nrmseOut?: Metric;
    inWindowMode?: string;
    validPredictionTime?: number;
    coverage?: Record<string, Metric>;
    crps?: Metric;
    predictedVpt?: { time: number; interval: [number, number] };
    noiseIncluded?: boolean;
    intervals?: 'model' | 'backtest';
    adversarial?: {
      eps: number[];
      nrmseOut: Metric[];
      randomNrmseOut: Metric[];
      epsHalvingVpt: number | null;
      amplification: Metric;
      conditioned: boolean;
    };
  };
  describe?: Record<string, unknown>;
}

/** One model's report card. */
export interface AuditCardRow {
  name: string;
  family: string;
  nrmseIn: number | null;
  nrmseOut: number | null;
  validPredictionTime: number | null;
  predictedVpt: { time: number; interval: [number, number] } | null;
  /** Coverage of the central 50, 80 and 95% intervals; null where not scored. */
  coverage: { '50': number | null; '80': number | null; '95': number | null };
  crps: number | null;
  /** Where the intervals came from and what they were scored as. */
  intervals: string | null;
  adversarial: {
    eps: number[];
    worst: (number | null)[];
    random: (number | null)[];
    epsHalvingVpt: number | null;
    amplification: number | null;
    conditioned: boolean;
  } | null;
  /** What describe() says: equations, parameters with 95% intervals, undetermined combinations. */
  interpretation: string[];
}

export interface AuditCard {
  /** The window and horizon, as "trained on [a, b], forecast (b, c]". */
  split: string;
  rows: AuditCardRow[];
}

const num = (x: Metric): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** Up to this many parameters and combinations per model: the card is a summary; results.json holds them all. */
const MAX_LISTED = 8;

function short(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

/** Equations, estimates ({ name, value, interval }) and undetermined combinations from any family's describe(). */
export function interpretation(describe: Record<string, unknown> | undefined): string[] {
  if (!describe) return [];
  const lines: string[] = [];
  const equations = describe.equations;
  if (Array.isArray(equations)) for (const e of equations) if (typeof e === 'string') lines.push(e);
  // The bank and Fourier list `estimates`; the equation family `values` and `initialState`.
  const estimates = ['estimates', 'values', 'initialState'].flatMap((k) => (Array.isArray(describe[k]) ? (describe[k] as unknown[]) : []));
  const shown = estimates.filter((e): e is { name: string; value: number; interval?: unknown } => !!e && typeof e === 'object' && typeof (e as { name?: unknown }).name === 'string' && typeof (e as { value?: unknown }).value === 'number');
  for (const e of shown.slice(0, MAX_LISTED)) {
    const iv = Array.isArray(e.interval) && e.interval.every((x) => typeof x === 'number' && Number.isFinite(x)) ? ` [${short(e.interval[0] as number)}, ${short(e.interval[1] as number)}]` : ' (not determined by the data)';
    lines.push(`${e.name} = ${short(e.value)}${iv}`);
  }
  if (shown.length > MAX_LISTED) lines.push(`… ${shown.length - MAX_LISTED} more parameters in results.json`);
  const combos = ['unidentified', 'identifiability'].flatMap((k) => (Array.isArray(describe[k]) ? (describe[k] as unknown[]) : []));
  const named = combos
    .map((c) => (c && typeof c === 'object' ? ((c as { message?: unknown }).message ?? (c as { combination?: unknown }).combination) : undefined))
    .filter((c): c is string => typeof c === 'string');
  for (const c of named.slice(0, 3)) lines.push(`not determined: ${c}`);
  if (named.length > 3) lines.push(`… ${named.length - 3} more undetermined combinations in results.json`);
  return lines;
}

/** The report card of a run from its results.json record. */
export function auditCard(results: { split: { trainFrom: number; trainUntil: number; until: number }; models: readonly AuditModelInput[] }): AuditCard {
  const { trainFrom, trainUntil, until } = results.split;
  return {
    split: `trained on [${trainFrom}, ${trainUntil}], forecast (${trainUntil}, ${until}]`,
    rows: results.models.map((m) => {
      const x = m.metrics;
      const a = x.adversarial;
      const cov = x.coverage ?? {};
      return {
        name: m.name,
        family: m.family,
        nrmseIn: num(x.nrmseIn),
        nrmseOut: num(x.nrmseOut),
        validPredictionTime: num(x.validPredictionTime),
        predictedVpt: x.predictedVpt ?? null,
        coverage: { '50': num(cov['50']), '80': num(cov['80']), '95': num(cov['95']) },
        crps: num(x.crps),
        intervals: x.intervals || x.noiseIncluded !== undefined ? `${x.intervals ?? 'model'}, ${x.noiseIncluded ? 'for a new observation' : 'for the clean signal'}` : null,
        adversarial: a
          ? { eps: a.eps, worst: a.nrmseOut.map(num), random: a.randomNrmseOut.map(num), epsHalvingVpt: a.epsHalvingVpt, amplification: num(a.amplification), conditioned: a.conditioned }
          : null,
        interpretation: interpretation(m.describe),
      };
    }),
  };
}
