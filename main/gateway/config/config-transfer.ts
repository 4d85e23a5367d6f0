// config.export and config.import: the file moves as it is, except that a secret someone wrote into it
// (a vendor key as a literal) is masked on the way out, and such a mask is refused on the way back in.
import { isMap, isScalar, isSeq, parseDocument, type YAMLMap } from 'yaml';
import { GatewayError } from '../errors.ts';
import { stringifyLike } from './yaml-style.ts';

export const MASKED = 'MASKED-BY-SWITCHYARD';

/** litellm_params / environment_variables keys that hold a secret (`api_key`, `aws_secret_access_key`, …). */
const SECRET_NAME = /(key|secret|token|password|credentials?)$/i;
const REFERENCE = /^(os\.environ|keychain)\//;

interface SecretSlot {
  path: string;
  map: YAMLMap;
  key: string;
  value: string;
}

function secretSlots(text: string): { doc: ReturnType<typeof parseDocument>; slots: SecretSlot[] } {
  const doc = parseDocument(text);
  const slots: SecretSlot[] = [];
  const scan = (map: unknown, path: string) => {
    if (!isMap(map)) return;
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined || !SECRET_NAME.test(key) || !isScalar(pair.value)) continue;
      const value = pair.value.value;
      if (typeof value === 'string' && value !== '' && !REFERENCE.test(value)) {
        slots.push({ path: `${path}.${key}`, map, key, value });
      }
    }
  };
  const list = doc.get('model_list', true);
  if (isSeq(list)) {
    list.items.forEach((entry, i) => {
      if (isMap(entry)) scan(entry.get('litellm_params', true), `model_list[${i}].litellm_params`);
    });
  }
  scan(doc.get('environment_variables', true), 'environment_variables');
  return { doc, slots };
}

/** The file with literal vendor secrets masked, and a warning for each. The master key stays (it is the user's own). */
export function maskForExport(text: string): { yaml: string; warnings: string[] } {
  const { doc, slots } = secretSlots(text);
  if (doc.errors.length > 0) {
    // Unparseable, so nothing can be masked reliably: say so rather than hand out what may be a key.
    return {
      yaml: '',
      warnings: [
        `config.yaml has YAML errors (${doc.errors[0]!.message.split('\n')[0]}); fix it before exporting`,
      ],
    };
  }
  if (slots.length === 0) return { yaml: text, warnings: [] };
  for (const s of slots) s.map.set(s.key, MASKED);
  return {
    yaml: stringifyLike(doc, text),
    warnings: slots.map(
      (s) =>
        `${s.path}: a key written into config.yaml was masked in this export; ` +
        'store it in the keychain and refer to it as keychain/NAME',
    ),
  };
}

/** Refuses an export's mask coming back; warns about keys written into the imported file. */
export function checkImport(text: string): string[] {
  const { doc, slots } = secretSlots(text);
  if (doc.errors.length > 0) return [];
  const masked = slots.filter((s) => s.value === MASKED);
  if (masked.length > 0) {
    throw new GatewayError(
      400,
      'invalid_request',
      `${masked.map((s) => s.path).join(', ')}: still the mask an export put in place of a key; ` +
        'set keychain/NAME or os.environ/NAME there instead',
      { param: masked[0]!.path },
    );
  }
  return slots.map(
    (s) =>
      `${s.path}: a key is written into config.yaml; the keychain (keychain/NAME) keeps it out of the file`,
  );
}
