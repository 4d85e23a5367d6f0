// Text → validated LiteLLM config. Unknown keys become warnings naming the key; invalid values become
// errors naming the exact path and reason, e.g. `model_list[2].litellm_params.api_base: invalid URL`.
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import {
  DEFAULT_PARAM_KEYS,
  litellmConfigSchema,
  type LitellmConfig,
} from '../../../shared/config/litellm-config-schema.ts';

export interface ValidationResult {
  config?: LitellmConfig;
  errors: string[];
  warnings: string[];
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(top level)';
}

const LITELLM_PARAMS_KNOWN = new Set<string>([
  ...Object.keys(
    (litellmConfigSchema.shape.model_list.unwrap().element.shape.litellm_params as z.ZodObject).shape,
  ),
  ...DEFAULT_PARAM_KEYS,
]);

function deleteAt(root: unknown, path: readonly PropertyKey[], key: string): void {
  let node = root as Record<PropertyKey, unknown> | undefined;
  for (const part of path) node = node?.[part] as Record<PropertyKey, unknown> | undefined;
  if (node && typeof node === 'object') delete node[key];
}

export function validateConfigText(text: string): ValidationResult {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return { errors: doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`), warnings: [] };
  }
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { errors: ['(top level): expected a mapping with model_list, router_settings, …'], warnings: [] };
  }
  return validateConfigObject(raw);
}

export function validateConfigObject(raw: unknown): ValidationResult {
  const warnings: string[] = [];
  const value = structuredClone(raw) as Record<string, unknown>;

  // litellm_params is open (other keys are default request params), so unknown keys there are checked here.
  const list = value.model_list;
  if (Array.isArray(list)) {
    list.forEach((entry: unknown, i) => {
      const params = (entry as { litellm_params?: unknown } | null)?.litellm_params;
      if (!params || typeof params !== 'object') return;
      for (const key of Object.keys(params)) {
        if (LITELLM_PARAMS_KNOWN.has(key)) continue;
        warnings.push(`model_list[${i}].litellm_params.${key}: not supported by Switchyard; ignored`);
        delete (params as Record<string, unknown>)[key];
      }
    });
  }

  // Strict objects report unknown keys; drop them (as warnings) and parse again so they never block startup.
  for (let round = 0; round < 2; round++) {
    const parsed = litellmConfigSchema.safeParse(value);
    if (parsed.success) return { config: parsed.data, errors: [], warnings };
    const errors: string[] = [];
    let removed = false;
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          warnings.push(`${formatPath([...issue.path, key])}: not supported by Switchyard; ignored`);
          deleteAt(value, issue.path, key);
          removed = true;
        }
      } else {
        errors.push(`${formatPath(issue.path)}: ${issue.message}`);
      }
    }
    if (errors.length > 0 || !removed) return { errors, warnings };
  }
  return { errors: ['(top level): could not be validated'], warnings };
}
