// Conditional routes: per alias, ordered rules on the prompt's size, images, tools and the calling key,
// each naming the alias to use instead. Evaluated before routing; the first match wins.
import type { ConditionalRoute } from '../../../shared/config/litellm-config-schema.ts';
import type { GatewayConfig } from '../config/gateway-config.ts';
import { resolveAlias } from './resolve-alias.ts';

export interface RouteFacts {
  body: { messages?: unknown; tools?: unknown };
  /** An upper bound on the prompt's size in bytes: a token is at least a byte, so smaller skips counting. */
  promptBytes: number | undefined;
  promptTokens: () => Promise<number>;
  key: { id: string; alias: string | null } | undefined;
}

function hasImages(messages: unknown): boolean {
  if (!Array.isArray(messages)) return false;
  return messages.some(
    (m: { content?: unknown }) =>
      Array.isArray(m?.content) &&
      m.content.some(
        (p: { type?: unknown }) =>
          p?.type === 'image_url' || p?.type === 'input_image' || p?.type === 'image',
      ),
  );
}

async function matches(rule: ConditionalRoute, f: RouteFacts): Promise<boolean> {
  const c = rule.if;
  if (c.has_tools !== undefined && c.has_tools !== (Array.isArray(f.body.tools) && f.body.tools.length > 0))
    return false;
  if (c.has_images !== undefined && c.has_images !== hasImages(f.body.messages)) return false;
  if (
    c.keys !== undefined &&
    !(f.key && (c.keys.includes(f.key.id) || (f.key.alias !== null && c.keys.includes(f.key.alias))))
  ) {
    return false;
  }
  if (c.min_prompt_tokens !== undefined) {
    if (f.promptBytes !== undefined && f.promptBytes < c.min_prompt_tokens) return false;
    if ((await f.promptTokens()) < c.min_prompt_tokens) return false;
  }
  return true;
}

/** The alias a request should go to: a matching rule's target, else the one it asked for. */
export async function applyConditionalRoutes(
  config: GatewayConfig,
  requested: string,
  facts: RouteFacts,
): Promise<{ model: string; rule: number | undefined }> {
  if (config.conditionalRoutes.size === 0) return { model: requested, rule: undefined };
  const alias = resolveAlias(config, requested)?.alias ?? requested;
  const rules = config.conditionalRoutes.get(alias) ?? config.conditionalRoutes.get(requested);
  if (!rules) return { model: requested, rule: undefined };
  for (const [i, rule] of rules.entries()) if (await matches(rule, facts)) return { model: rule.to, rule: i };
  return { model: requested, rule: undefined };
}
