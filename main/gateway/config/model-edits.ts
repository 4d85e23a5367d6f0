// The Models page's changes, written in LiteLLM's dialect so a LiteLLM proxy reading the same file
// behaves the same: priority is `litellm_params.order` (lowest first; LiteLLM honours it under every
// routing strategy), a per-alias system prompt and default params live on each of the alias's entries
// (`model_info.system_prompt`, `litellm_params.<param>`), fallbacks in `router_settings.fallbacks`.
import type { YAMLMap } from 'yaml';
import { DEFAULT_PARAM_KEYS } from '../../../shared/config/litellm-config-schema.ts';
import type { AliasUpdateInput, ModelAddInput, ModelUpdateInput } from '../../../shared/admin/models.ts';
import { GatewayError } from '../errors.ts';
import type { EditContext } from './config-editor.ts';
import type { Deployment, GatewayConfig } from './gateway-config.ts';
import { dropIfEmpty, mapAt, seqAt, setKey, type YamlPath } from './yaml-nodes.ts';

const PER_MILLION = 1_000_000;

/** The deployments of one alias (model_name), in config order. */
export function entriesOf(config: GatewayConfig, alias: string): Deployment[] {
  return config.deployments.filter((d) => d.alias === alias);
}

/** The order the router tries them in when all are healthy: by `order` (unset last), then config order. */
export function routingOrder(list: Deployment[]): Deployment[] {
  return [...list].sort((a, b) => (a.order ?? Infinity) - (b.order ?? Infinity));
}

/** The default params every one of `list` carries with the same value: the alias's own. */
export function commonParams(list: Deployment[]): Record<string, unknown> {
  const [first, ...rest] = list;
  if (!first) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(first.params)) {
    const same = JSON.stringify(v);
    if (rest.every((d) => k in d.params && JSON.stringify(d.params[k]) === same)) out[k] = v;
  }
  return out;
}

/** The alias's system prompt: its first entry's (the app writes the same one on every entry). */
export function aliasSystemPrompt(list: Deployment[]): string | undefined {
  return list[0]?.systemPrompt;
}

export function aliasNotFound(alias: string): GatewayError {
  return new GatewayError(404, 'not_found', `There is no model '${alias}' in the config (model_list)`, {
    param: 'alias',
  });
}

function aliasEntries(config: GatewayConfig, alias: string): Deployment[] {
  const list = entriesOf(config, alias);
  if (list.length === 0) throw aliasNotFound(alias);
  return list;
}

export function findDeployment(config: GatewayConfig, id: string): Deployment {
  const d = config.deployments.find((x) => x.id === id);
  if (!d) {
    throw new GatewayError(
      404,
      'not_found',
      `There is no deployment '${id}' in the config (it may have been edited or removed)`,
      {
        param: 'id',
      },
    );
  }
  return d;
}

const entryPath = (d: Deployment | number): YamlPath => ['model_list', typeof d === 'number' ? d : d.index];
const paramsOf = (ctx: EditContext, d: Deployment): YAMLMap =>
  mapAt(ctx.doc, [...entryPath(d), 'litellm_params'], true);
const infoPath = (d: Deployment): YamlPath => [...entryPath(d), 'model_info'];

function setInfo(ctx: EditContext, d: Deployment, key: string, value: unknown): void {
  if (value === undefined) {
    const info = mapAt(ctx.doc, infoPath(d));
    if (!info) return;
    info.delete(key);
    dropIfEmpty(ctx.doc, infoPath(d));
    return;
  }
  setKey(ctx.doc, mapAt(ctx.doc, infoPath(d), true), key, value);
}

function setOrder(ctx: EditContext, d: Deployment, order: number): void {
  setKey(ctx.doc, paramsOf(ctx, d), 'order', order);
}

/**
 * `deploymentId` goes first; the others keep their relative priority behind it (deployments that shared
 * traffic still share it as backups).
 */
export function setPrimary(ctx: EditContext, alias: string, deploymentId: string): void {
  const group = routingOrder(aliasEntries(ctx.current, alias));
  const chosen = group.find((d) => d.id === deploymentId);
  if (!chosen) {
    throw new GatewayError(404, 'not_found', `'${alias}' has no deployment '${deploymentId}'`, {
      param: 'deployment_id',
    });
  }
  if (group.length === 1) return;
  const others = group.filter((d) => d !== chosen);
  const tiers = [...new Set(others.map((d) => d.order ?? Infinity))];
  setOrder(ctx, chosen, 1);
  for (const d of others) setOrder(ctx, d, tiers.indexOf(d.order ?? Infinity) + 2);
}

/** Tries the deployments strictly in the given order. */
export function reorder(ctx: EditContext, alias: string, ids: string[]): void {
  const group = aliasEntries(ctx.current, alias);
  const known = new Set(group.map((d) => d.id));
  const unknown = ids.filter((id) => !known.has(id));
  const missing = group.filter((d) => !ids.includes(d.id)).map((d) => d.id);
  if (unknown.length > 0 || missing.length > 0 || new Set(ids).size !== ids.length) {
    const why = [
      unknown.length ? `not deployments of '${alias}': ${unknown.join(', ')}` : '',
      missing.length ? `missing: ${missing.join(', ')}` : '',
      new Set(ids).size !== ids.length ? 'some are listed twice' : '',
    ].filter(Boolean);
    throw new GatewayError(
      400,
      'invalid_request',
      `deployment_ids must list each of '${alias}'s ${group.length} deployment(s) exactly once (${why.join('; ')})`,
      { param: 'deployment_ids' },
    );
  }
  ids.forEach((id, i) =>
    setOrder(
      ctx,
      group.find((d) => d.id === id)!,
      i + 1,
    ),
  );
}

/** The litellm_params a deployment's settings become (null/undefined = not set). */
function fieldsToParams(input: Omit<ModelUpdateInput, 'id' | 'alias' | 'params'>): Record<string, unknown> {
  const perToken = (v: number | null | undefined) =>
    v === null || v === undefined ? v : Number((v / PER_MILLION).toPrecision(12));
  return {
    model: input.model,
    api_base: input.api_base,
    api_key: input.api_key,
    rpm: input.rpm,
    tpm: input.tpm,
    weight: input.weight,
    input_cost_per_token: perToken(input.input_cost_per_million),
    output_cost_per_token: perToken(input.output_cost_per_million),
  };
}

/** Appends a deployment after the alias's last entry (or at the end); returns its model_list index. */
export function addDeployment(ctx: EditContext, input: ModelAddInput): number {
  const { alias, params = {}, context_window, ...fields } = input;
  const siblings = entriesOf(ctx.current, alias);
  const litellmParams: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fieldsToParams(fields)))
    if (v !== undefined && v !== null) litellmParams[k] = v;
  // A new deployment serves the alias like the others: same alias-wide params and system prompt.
  Object.assign(litellmParams, commonParams(siblings), params);
  const orders = siblings.map((d) => d.order).filter((o): o is number => o !== undefined);
  if (orders.length > 0) litellmParams.order = Math.max(...orders) + 1;
  const info: Record<string, unknown> = {};
  if (context_window !== undefined) info.max_input_tokens = context_window;
  const prompt = aliasSystemPrompt(siblings);
  if (prompt !== undefined) info.system_prompt = prompt;

  const entry = {
    model_name: alias,
    litellm_params: litellmParams,
    ...(Object.keys(info).length ? { model_info: info } : {}),
  };
  const list = seqAt(ctx.doc, ['model_list'], true);
  const at = siblings.length > 0 ? Math.max(...siblings.map((d) => d.index)) + 1 : list.items.length;
  const node = ctx.doc.createNode(entry);
  if (list.flow) node.flow = true;
  list.items.splice(at, 0, node);
  return at;
}

/** Changes one deployment; returns the alias it belongs to afterwards and its model_list index. */
export function updateDeployment(
  ctx: EditContext,
  input: ModelUpdateInput,
): { alias: string; index: number } {
  const { id, alias, params, context_window, ...fields } = input;
  const d = findDeployment(ctx.current, id);
  if (alias !== undefined) setKey(ctx.doc, mapAt(ctx.doc, entryPath(d), true), 'model_name', alias);
  const lp = paramsOf(ctx, d);
  for (const [key, value] of Object.entries(fieldsToParams(fields))) {
    if (value === undefined) continue;
    setKey(ctx.doc, lp, key, value ?? undefined);
    // model_info may carry the same setting (LiteLLM reads both): one place only, so the edit is what counts.
    if (key === 'rpm' || key === 'tpm' || key.endsWith('_cost_per_token')) setInfo(ctx, d, key, undefined);
  }
  if (context_window !== undefined) setInfo(ctx, d, 'max_input_tokens', context_window ?? undefined);
  if (params !== undefined) {
    for (const key of DEFAULT_PARAM_KEYS) setKey(ctx.doc, lp, key, params?.[key]);
  }
  return { alias: alias ?? d.alias, index: d.index };
}

export function removeDeployment(ctx: EditContext, id: string): Deployment {
  const d = findDeployment(ctx.current, id);
  seqAt(ctx.doc, ['model_list'], true).items.splice(d.index, 1);
  return d;
}

/** Where fallback rules live: router_settings' win over litellm_settings' (normalize-config.ts). */
const FALLBACK_PLACES: YamlPath[] = [
  ['router_settings', 'fallbacks'],
  ['litellm_settings', 'fallbacks'],
];

function ruleMaps(ctx: EditContext, place: YamlPath): YAMLMap[] {
  const seq = seqAt(ctx.doc, place);
  return (seq?.items ?? []).map((_, i) => mapAt(ctx.doc, [...place, i], true));
}

function setFallbacks(ctx: EditContext, alias: string, to: string[]): void {
  if (to.length === 0) {
    for (const place of FALLBACK_PLACES) {
      const seq = seqAt(ctx.doc, place);
      if (!seq) continue;
      const maps = ruleMaps(ctx, place);
      maps.forEach((m) => m.delete(alias));
      seq.items = seq.items.filter((_, i) => maps[i]!.items.length > 0);
      dropIfEmpty(ctx.doc, place);
      dropIfEmpty(ctx.doc, place.slice(0, 1));
    }
    return;
  }
  for (const place of FALLBACK_PLACES) {
    const rule = ruleMaps(ctx, place).find((m) => m.has(alias));
    if (rule) return setKey(ctx.doc, rule, alias, to);
  }
  const seq = seqAt(ctx.doc, FALLBACK_PLACES[0]!, true);
  const node = ctx.doc.createNode({ [alias]: to });
  if (seq.flow) node.flow = true;
  seq.items.push(node);
}

function servesName(config: GatewayConfig, name: string): boolean {
  return (
    config.groups.has(name) ||
    config.aliasNames.has(name) ||
    config.wildcards.some((w) => w.pattern.test(name))
  );
}

export function updateAlias(ctx: EditContext, input: AliasUpdateInput): void {
  const { alias } = input;
  const entries = aliasEntries(ctx.current, alias);
  if (input.system_prompt !== undefined) {
    for (const d of entries) setInfo(ctx, d, 'system_prompt', input.system_prompt ?? undefined);
  }
  if (input.params !== undefined) {
    const before = commonParams(entries);
    const next = input.params ?? {};
    for (const d of entries) {
      const lp = paramsOf(ctx, d);
      for (const key of Object.keys(before)) if (!(key in next)) setKey(ctx.doc, lp, key, undefined);
      for (const [key, value] of Object.entries(next)) setKey(ctx.doc, lp, key, value);
    }
  }
  if (input.fallbacks !== undefined) {
    const to = input.fallbacks;
    const bad = to.filter((name) => name === alias || !servesName(ctx.current, name));
    if (bad.length > 0 || new Set(to).size !== to.length) {
      throw new GatewayError(
        400,
        'invalid_request',
        bad.length > 0
          ? `Fallbacks must be other models in the config; not: ${bad.join(', ')}`
          : 'A fallback is listed twice',
        { param: 'fallbacks' },
      );
    }
    setFallbacks(ctx, alias, to);
  }
}
