// An alias's own settings: a system prompt baked into every request, default parameters, and the
// aliases to fall back to (in order) when all its deployments fail.
import { useState } from 'react';
import type { AliasView } from '../../../shared/admin/models.ts';
import { useAction, useClient } from '../api/use-admin.ts';
import { Dialog, DialogActions } from '../components/dialog.tsx';
import { Field, PickList } from '../components/field.tsx';
import { ErrorNotice } from '../components/notice.tsx';
import { paramsText, parseParams } from '../form-values.ts';

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
  const [params, setParams] = useState(paramsText(alias.params));
  const [fallbacks, setFallbacks] = useState(alias.fallbacks);
  const others = aliases.filter((a) => a !== alias.alias);
  const save = useAction(async () => {
    await client.call('alias.update', {
      alias: alias.alias,
      system_prompt: prompt.trim() ? prompt : null,
      params: parseParams(params),
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
        <DialogActions onCancel={onClose} label="Save" busy={save.busy} onConfirm={() => void save.run()} />
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
        <PickList
          legend="Fall back to"
          hint={
            <>
              Tried in the order you tick them when every deployment of {alias.alias} fails.
              {fallbacks.length > 0 && ` Now: ${fallbacks.join(' → ')}.`}
            </>
          }
          empty="No other aliases yet."
          options={others}
          picked={fallbacks}
          onChange={setFallbacks}
        />
      </div>
      <ErrorNotice error={save.error} />
    </Dialog>
  );
}
