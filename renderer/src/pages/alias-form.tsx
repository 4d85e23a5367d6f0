// An alias's own settings: a system prompt baked into every request, default parameters, and the
// aliases to fall back to (in order) when all its deployments fail.
import { useState } from 'react';
import type { AliasView } from '../../../shared/admin/models.ts';
import { useAction, useClient } from '../api/use-admin.ts';
import { Dialog } from '../components/dialog.tsx';
import { Field } from '../components/field.tsx';
import { ErrorNotice } from '../components/notice.tsx';

export function AliasFormDialog({
  alias,
  aliases,
  onClose,
  onSaved,
}: {
  alias: AliasView;
  aliases: string[];
  onClose: () => void;
  onSaved: () => Promise<void>;
}) {
  const client = useClient();
  const [prompt, setPrompt] = useState(alias.system_prompt ?? '');
  const [params, setParams] = useState(
    Object.keys(alias.params).length ? JSON.stringify(alias.params, null, 2) : '',
  );
  const [fallbacks, setFallbacks] = useState(alias.fallbacks);
  const others = aliases.filter((a) => a !== alias.alias);
  const save = useAction(async () => {
    let parsed: Record<string, unknown> | null = null;
    if (params.trim()) {
      try {
        parsed = JSON.parse(params) as Record<string, unknown>;
      } catch {
        throw new Error('Default parameters must be JSON, e.g. {"temperature": 0.2}.');
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('Default parameters must be a JSON object.');
    }
    await client.call('alias.update', {
      alias: alias.alias,
      system_prompt: prompt.trim() ? prompt : null,
      params: parsed,
      fallbacks,
    });
    await onSaved();
  });
  return (
    <Dialog
      title={`${alias.alias}: alias settings`}
      onClose={onClose}
      wide
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={save.busy}
            onClick={() => void save.run()}
          >
            {save.busy ? 'Saving…' : 'Save'}
          </button>
        </>
      }
    >
      <div className="form-grid">
        <Field label="System prompt" hint="Sent first in every request to this alias. Blank: none." wide>
          <textarea name="system_prompt" value={prompt} onChange={(e) => setPrompt(e.target.value)} />
        </Field>
        <Field
          label="Default parameters (JSON)"
          hint='For every deployment of the alias, unless the tool sets them: {"temperature": 0.2}.'
          wide
        >
          <textarea
            name="params"
            value={params}
            onChange={(e) => setParams(e.target.value)}
            spellCheck={false}
          />
        </Field>
        <fieldset className="field-wide models-pick">
          <legend>Fall back to</legend>
          <p className="field-hint">
            Tried in the order you tick them when every deployment of {alias.alias} fails.
            {fallbacks.length > 0 && ` Now: ${fallbacks.join(' → ')}.`}
          </p>
          {others.length === 0 && <p className="muted">No other aliases yet.</p>}
          {others.map((a) => (
            <label key={a} className="check">
              <input
                type="checkbox"
                checked={fallbacks.includes(a)}
                onChange={(e) =>
                  setFallbacks(e.target.checked ? [...fallbacks, a] : fallbacks.filter((x) => x !== a))
                }
              />
              {a}
            </label>
          ))}
        </fieldset>
      </div>
      <ErrorNotice error={save.error} />
    </Dialog>
  );
}
