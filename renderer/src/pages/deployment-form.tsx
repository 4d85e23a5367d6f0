// Add a deployment (a provider's model behind an alias) or edit one. Keys are never typed here: a
// deployment names where its key lives (keychain/NAME from the Providers page, or os.environ/NAME).
import { useState, type FormEvent } from 'react';
import type { DeploymentView, ModelUpdateInput } from '../../../shared/admin/models.ts';
import { PROVIDER_CATALOG, providerKind } from '../../../shared/provider-catalog.ts';
import { useAction, useAdmin, useClient } from '../api/use-admin.ts';
import { Dialog } from '../components/dialog.tsx';
import { Field } from '../components/field.tsx';
import { ErrorNotice } from '../components/notice.tsx';

interface Form {
  alias: string;
  provider: string;
  name: string;
  apiBase: string;
  credential: string;
  inPrice: string;
  outPrice: string;
  context: string;
  rpm: string;
  weight: string;
  params: string;
}

function initial(d: DeploymentView | undefined, alias: string | undefined): Form {
  const str = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));
  const [provider = 'openai', ...rest] = (d?.model ?? '').split('/');
  return {
    alias: alias ?? '',
    provider: d ? provider : 'openai',
    name: rest.join('/'),
    apiBase: d?.api_base ?? '',
    credential: d?.credential && d.credential !== 'literal' ? d.credential : '',
    inPrice: str(d?.input_cost_per_million),
    outPrice: str(d?.output_cost_per_million),
    context: str(d?.context_window),
    rpm: str(d?.rpm),
    weight: str(d?.weight),
    params: d && Object.keys(d.params).length ? JSON.stringify(d.params, null, 2) : '',
  };
}

function num(label: string, s: string, integer = false): number | null {
  if (!s.trim()) return null;
  const n = Number(s);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)))
    throw new Error(`${label} must be ${integer ? 'a whole number' : 'a number'} of 0 or more, or blank.`);
  return n;
}

function params(s: string): Record<string, unknown> | null {
  if (!s.trim()) return null;
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch {
    throw new Error('Default parameters must be JSON, e.g. {"temperature": 0.2}.');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new Error('Default parameters must be a JSON object.');
  return v as Record<string, unknown>;
}

export function DeploymentFormDialog({
  existing,
  alias,
  aliases,
  onClose,
  onSaved,
}: {
  existing?: DeploymentView | undefined;
  alias?: string | undefined;
  aliases: string[];
  onClose: () => void;
  onSaved: () => Promise<void>;
}) {
  const client = useClient();
  const credentials = useAdmin('credential.list', {});
  const [f, setF] = useState(() => initial(existing, alias));
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setF((s) => ({ ...s, [k]: v }));
  const kind = providerKind(f.provider);
  const save = useAction(async () => {
    const fields = {
      input_cost_per_million: num('Input price', f.inPrice),
      output_cost_per_million: num('Output price', f.outPrice),
      context_window: num('Context window', f.context, true),
      rpm: num('Requests per minute', f.rpm, true),
      weight: num('Weight', f.weight),
      params: params(f.params),
      api_base: f.apiBase.trim() || null,
      api_key: f.credential || null,
    };
    const model = `${f.provider}/${f.name.trim()}`;
    if (existing) {
      const update: ModelUpdateInput = { id: existing.id, ...fields };
      if (model !== existing.model) update.model = model;
      if (f.alias.trim() && f.alias.trim() !== alias) update.alias = f.alias.trim();
      await client.call('model.update', update);
    } else {
      const add = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null));
      await client.call('model.add', { alias: f.alias.trim() || f.name.trim(), model, ...add });
    }
    await onSaved();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run();
  };
  const names = (credentials.data ?? []).map((c) => `keychain/${c.name}`);
  return (
    <Dialog
      title={existing ? `Edit ${existing.model}` : alias ? `Add a deployment to ${alias}` : 'Add a model'}
      onClose={onClose}
      wide
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="deployment-form" className="button button-primary" disabled={save.busy}>
            {save.busy ? 'Saving…' : existing ? 'Save changes' : 'Add'}
          </button>
        </>
      }
    >
      <form id="deployment-form" className="form-grid" onSubmit={submit}>
        <Field label="Alias" hint="The name tools ask for. A new name makes a new alias.">
          <input
            name="alias"
            list="alias-names"
            value={f.alias}
            onChange={(e) => set('alias', e.target.value)}
            placeholder={f.name || 'e.g. smart'}
          />
          <datalist id="alias-names">
            {aliases.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </Field>
        <Field label="Provider">
          <select name="provider" value={f.provider} onChange={(e) => set('provider', e.target.value)}>
            {PROVIDER_CATALOG.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
            {!kind && <option value={f.provider}>{f.provider}</option>}
          </select>
        </Field>
        <Field
          label="Model name at the provider"
          hint={kind ? `e.g. ${kind.exampleModel.split('/').slice(1).join('/')}` : undefined}
        >
          <input name="model" value={f.name} onChange={(e) => set('name', e.target.value)} required />
        </Field>
        <Field
          label="API base URL"
          hint={kind?.defaultApiBase ? `Blank: ${kind.defaultApiBase}` : 'Required for this provider.'}
        >
          <input
            name="api_base"
            value={f.apiBase}
            onChange={(e) => set('apiBase', e.target.value)}
            placeholder={kind?.defaultApiBase ?? 'https://…'}
          />
        </Field>
        <Field label="API key" hint="Stored keys come from the Providers page.">
          <select name="api_key" value={f.credential} onChange={(e) => set('credential', e.target.value)}>
            <option value="">
              {kind?.apiKeyEnv ? `none (or ${kind.apiKeyEnv} from the environment)` : 'none'}
            </option>
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
            {f.credential && !names.includes(f.credential) && (
              <option value={f.credential}>{f.credential}</option>
            )}
          </select>
        </Field>
        <Field label="Context window (tokens)" hint="Longer prompts go to the context fallback.">
          <input
            name="context_window"
            inputMode="numeric"
            value={f.context}
            onChange={(e) => set('context', e.target.value)}
          />
        </Field>
        <Field label="Input price, $ per 1M tokens" hint="Blank: the built-in price table.">
          <input
            name="input_cost_per_million"
            inputMode="decimal"
            value={f.inPrice}
            onChange={(e) => set('inPrice', e.target.value)}
          />
        </Field>
        <Field label="Output price, $ per 1M tokens">
          <input
            name="output_cost_per_million"
            inputMode="decimal"
            value={f.outPrice}
            onChange={(e) => set('outPrice', e.target.value)}
          />
        </Field>
        <Field label="Requests per minute" hint="Over it, another deployment is used.">
          <input name="rpm" inputMode="numeric" value={f.rpm} onChange={(e) => set('rpm', e.target.value)} />
        </Field>
        <Field label="Weight" hint="Share of traffic when deployments share it.">
          <input
            name="weight"
            inputMode="decimal"
            value={f.weight}
            onChange={(e) => set('weight', e.target.value)}
          />
        </Field>
        <Field
          label="Default parameters (JSON)"
          hint='Sent unless the tool sets them, e.g. {"temperature": 0.2, "max_tokens": 2048}.'
          wide
        >
          <textarea
            name="params"
            value={f.params}
            onChange={(e) => set('params', e.target.value)}
            spellCheck={false}
          />
        </Field>
      </form>
      <ErrorNotice error={save.error} />
    </Dialog>
  );
}
