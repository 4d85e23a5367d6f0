// Add a deployment (a provider's model behind an alias) or edit one. Keys are never typed here: a
// deployment names where its key lives (keychain/NAME from the Providers page, or os.environ/NAME).
import { useState, type FormEvent } from 'react';
import type { DeploymentView, ModelUpdateInput } from '../../../shared/admin/models.ts';
import { PROVIDER_CATALOG, providerKind } from '../../../shared/provider-catalog.ts';
import { useAction, useAdmin, useClient } from '../api/use-admin.ts';
import { Dialog, DialogActions } from '../components/dialog.tsx';
import { Field, NumberField, SelectField, TextField } from '../components/field.tsx';
import { ErrorNotice } from '../components/notice.tsx';
import { numberText, paramsText, parseParams } from '../form-values.ts';

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
  const [provider = 'openai', ...rest] = (d?.model ?? '').split('/');
  return {
    alias: alias ?? '',
    provider: d ? provider : 'openai',
    name: rest.join('/'),
    apiBase: d?.api_base ?? '',
    credential: d?.credential && d.credential !== 'literal' ? d.credential : '',
    inPrice: numberText(d?.input_cost_per_million),
    outPrice: numberText(d?.output_cost_per_million),
    context: numberText(d?.context_window),
    rpm: numberText(d?.rpm),
    weight: numberText(d?.weight),
    params: d ? paramsText(d.params) : '',
  };
}

function num(label: string, s: string, integer = false): number | null {
  if (!s.trim()) return null;
  const n = Number(s);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)))
    throw new Error(`${label} must be ${integer ? 'a whole number' : 'a number'} of 0 or more, or blank.`);
  return n;
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
      params: parseParams(f.params),
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
        <DialogActions
          onCancel={onClose}
          form="deployment-form"
          label={existing ? 'Save changes' : 'Add'}
          busy={save.busy}
        />
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
        <SelectField
          label="Provider"
          name="provider"
          value={f.provider}
          onChange={(v) => set('provider', v)}
          choices={[...PROVIDER_CATALOG.map((p) => [p.id, p.label] as const), ...(kind ? [] : [f.provider])]}
        />
        <TextField
          label="Model name at the provider"
          hint={kind ? `e.g. ${kind.exampleModel.split('/').slice(1).join('/')}` : undefined}
          name="model"
          value={f.name}
          onChange={(v) => set('name', v)}
          required
        />
        <TextField
          label="API base URL"
          hint={kind?.defaultApiBase ? `Blank: ${kind.defaultApiBase}` : 'Required for this provider.'}
          name="api_base"
          value={f.apiBase}
          onChange={(v) => set('apiBase', v)}
          placeholder={kind?.defaultApiBase ?? 'https://…'}
        />
        <SelectField
          label="API key"
          hint="Stored keys come from the Providers page."
          name="api_key"
          value={f.credential}
          onChange={(v) => set('credential', v)}
          choices={[
            ['', kind?.apiKeyEnv ? `none (or ${kind.apiKeyEnv} from the environment)` : 'none'],
            ...names,
            ...(f.credential && !names.includes(f.credential) ? [f.credential] : []),
          ]}
        />
        <NumberField
          label="Context window (tokens)"
          hint="Longer prompts go to the context fallback."
          name="context_window"
          integer
          value={f.context}
          onChange={(v) => set('context', v)}
        />
        <NumberField
          label="Input price, $ per 1M tokens"
          hint="Blank: the built-in price table."
          name="input_cost_per_million"
          value={f.inPrice}
          onChange={(v) => set('inPrice', v)}
        />
        <NumberField
          label="Output price, $ per 1M tokens"
          name="output_cost_per_million"
          value={f.outPrice}
          onChange={(v) => set('outPrice', v)}
        />
        <NumberField
          label="Requests per minute"
          hint="Over it, another deployment is used."
          name="rpm"
          integer
          value={f.rpm}
          onChange={(v) => set('rpm', v)}
        />
        <NumberField
          label="Weight"
          hint="Share of traffic when deployments share it."
          name="weight"
          value={f.weight}
          onChange={(v) => set('weight', v)}
        />
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
