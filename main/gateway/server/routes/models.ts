import type { FastifyInstance } from 'fastify';
import type { ModelList } from '../../../../shared/wire/openai-responses.ts';
import { GatewayError } from '../../errors.ts';
import { priceOf } from '../../budget/cost.ts';
import { listedAliases } from '../../routing/resolve-alias.ts';
import type { GatewayRuntime } from '../../runtime.ts';

export function registerModelRoutes(app: FastifyInstance, runtime: GatewayRuntime): void {
  const started = Math.floor(Date.now() / 1000);

  const models = (): ModelList => ({
    object: 'list',
    data: listedAliases(runtime.loaded.config).map((id) => ({
      id,
      object: 'model',
      created: started,
      owned_by: 'switchyard',
    })),
  });

  // LiteLLM's /model/info: what Cline and other tools read for context windows and prices. Never a secret.
  const modelInfo = () => ({
    data: runtime.loaded.config.deployments.map((d) => {
      const price = priceOf(d, runtime.registry);
      return {
        model_name: d.alias,
        litellm_params: {
          model: `${d.provider}/${d.model}`,
          ...(d.apiBase ? { api_base: d.apiBase } : {}),
          ...(d.apiVersion ? { api_version: d.apiVersion } : {}),
          ...(d.rpm ? { rpm: d.rpm } : {}),
          ...(d.tpm ? { tpm: d.tpm } : {}),
        },
        model_info: {
          id: d.id,
          mode: d.mode ?? 'chat',
          max_input_tokens: d.maxInputTokens ?? price.maxInputTokens ?? null,
          max_output_tokens: d.maxOutputTokens ?? price.maxOutputTokens ?? null,
          max_tokens: d.maxOutputTokens ?? price.maxOutputTokens ?? null,
          input_cost_per_token: price.inputCostPerToken,
          output_cost_per_token: price.outputCostPerToken,
          litellm_provider: d.provider,
          price_source: price.source,
        },
      };
    }),
  });

  for (const prefix of ['/v1', '']) {
    app.get(`${prefix}/models`, async () => models());
    app.get(`${prefix}/models/:model`, async (req) => {
      const { model } = req.params as { model: string };
      const found = models().data.find((m) => m.id === model);
      if (!found)
        throw new GatewayError(404, 'model_not_found', `The model '${model}' does not exist`, {
          param: 'model',
        });
      return found;
    });
    app.get(`${prefix}/model/info`, async () => modelInfo());
  }
}
