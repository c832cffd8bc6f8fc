/**
 * A vector-field kind as a model family: config check, fit on the training window, and the
 * saved form checked whole before a model is rebuilt from it.
 */
import { z } from 'zod';
import type { Series } from '../../data/series.js';
import type { FitOptions, Fitted, ModelFamily, ModelSpec, SavedModel } from '../base.js';
import { checkLayout, checkParamCount, configIssues, param, trainingSchema, validateSaved } from '../saved.js';
import { resolveCoordinates, resolveVectorFieldConfig, vectorFieldConfigSchema, vectorFieldDefaults, type VectorFieldConfig } from './config.js';
import { fitVectorField, savedLayout, vectorFieldFitted, type VectorFieldKind } from './fit.js';

/** Config values a fit in well under a second needs (the contract series has one channel: p is its velocity). */
const quick: Partial<VectorFieldConfig> = { hidden: [8], steps: 40, lr: 1e-2, momenta: 'velocity' };

function savedSchema(kind: VectorFieldKind) {
  return z
    .object({
      family: z.literal(kind.family),
      config: vectorFieldConfigSchema,
      layout: z.array(z.object({ name: z.string(), offset: z.number().int(), shape: z.array(z.number().int()) })),
      params: z.array(param),
      extra: z.strictObject({ loss: z.number().nonnegative().nullable() }),
      training: trainingSchema,
    })
    .loose()
    .superRefine((m, ctx) => {
      const config = m.config as VectorFieldConfig;
      let n = 0;
      let expected: ReturnType<typeof savedLayout> | undefined;
      if (!configIssues(ctx, () => {
        n = resolveCoordinates(m.training.channels, config).n;
        expected = savedLayout(kind, config, n);
      })) return;
      const { layout, size } = expected!;
      const what = `a ${kind.family} model with hidden layers [${config.hidden.join(', ')}] on ${2 * n} state entries`;
      checkLayout(m.layout, layout, ctx, what);
      checkParamCount(m.params, size, ctx, what);
    });
}

export function vectorFieldFamily(kind: VectorFieldKind, description: string): ModelFamily<VectorFieldConfig> {
  const schema = savedSchema(kind);
  return {
    family: kind.family,
    description,
    defaults: { ...vectorFieldDefaults, ...kind.defaults },
    quick,
    // Its channels are the phase-space coordinates; one signal of a many-state system is not one.
    capabilities: { uniformGrid: false, relativeCost: 2, inReferenceExperiment: false, ensembles: true },
    check(config: VectorFieldConfig): void {
      kind.net(1, resolveVectorFieldConfig({ ...kind.defaults, ...config })); // the kind refuses options it has no use for
    },
    async fit(spec: ModelSpec<VectorFieldConfig>, train: Series, opts: FitOptions): Promise<Fitted> {
      return vectorFieldFitted(kind, await fitVectorField(kind, [train], spec.config, opts));
    },
    load(saved: SavedModel, source?: string): Fitted {
      const m = validateSaved(schema, saved, source);
      const config = m.config as VectorFieldConfig;
      const x0Block = m.layout[m.layout.length - 1];
      const netSize = x0Block.offset;
      return vectorFieldFitted(kind, {
        config,
        channels: [...m.training.channels],
        theta: Float64Array.from(m.params.slice(0, netSize)),
        x0: Float64Array.from(m.params.slice(netSize)),
        training: { from: m.training.from, until: m.training.until },
        loss: m.extra.loss ?? NaN,
      });
    },
  };
}
