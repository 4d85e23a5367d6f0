// Adding a provider, step by step: store its key (masked from then on), test the connection, then pick
// from the models it offers; each becomes an alias with one click.
import { useState } from 'react';
import type { AdminOutput } from '../../../shared/admin/contract.ts';
import { providerKind } from '../../../shared/provider-catalog.ts';
import { describeError } from '../api/admin-error.ts';
import { useAction, useClient } from '../api/use-admin.ts';
import { Dialog, DialogActions } from '../components/dialog.tsx';
import { TextField } from '../components/field.tsx';
import { ErrorNotice, Notice } from '../components/notice.tsx';
import { ms } from '../format.ts';

export const FEATURED = [
  { id: 'openai', label: 'OpenAI', blurb: 'GPT models' },
  { id: 'anthropic', label: 'Anthropic', blurb: 'Claude models' },
  { id: 'openrouter', label: 'OpenRouter', blurb: 'Hundreds of models, one key' },
  { id: 'azure', label: 'Azure OpenAI', blurb: 'Your Azure deployments' },
  { id: 'gemini', label: 'Google Gemini', blurb: 'AI Studio key' },
  { id: 'ollama', label: 'Ollama', blurb: 'Local models, free' },
  { id: 'openai_like', label: 'OpenAI-compatible', blurb: 'vLLM, LM Studio, Groq, DeepSeek…' },
] as const;

type Found = AdminOutput<'provider.models'>;

/** A vendor key being typed: masked, with autofill off. */
function SecretField(props: { label: string; value: string; onChange: (value: string) => void }) {
  return <TextField name="secret" type="password" autoComplete="off" {...props} />;
}

/** A provider's models with an Add button each; added ones become aliases named after the model. */
export function DiscoveredModels({
  provider,
  found,
  apiBase,
  apiKey,
  onAdded,
}: {
  provider: string;
  found: Found;
  apiBase?: string | undefined;
  apiKey?: string | undefined;
  onAdded?: () => unknown;
}) {
  const client = useClient();
  const [added, setAdded] = useState<string[]>([]);
  const [filter, setFilter] = useState('');
  const add = useAction(async (model: string) => {
    // Ollama's chat endpoint keeps tool calls and images; the others speak OpenAI's (or their own) API.
    const prefix = provider === 'ollama' ? 'ollama_chat' : provider;
    await client.call('model.add', {
      alias: model,
      model: `${prefix}/${model}`,
      ...(apiBase ? { api_base: apiBase } : {}),
      ...(apiKey ? { api_key: apiKey } : {}),
    });
    setAdded((a) => [...a, model]);
    await onAdded?.();
  });
  const configured = new Set([...found.configured, ...added]);
  const shown = found.models.filter((m) => m.toLowerCase().includes(filter.toLowerCase()));
  if (found.models.length === 0) return <p className="muted">The provider lists no models.</p>;
  return (
    <>
      {found.models.length > 8 && (
        <input
          className="field-wide"
          placeholder="Filter models"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          aria-label="Filter models"
        />
      )}
      <div className="discovered">
        {shown.map((m) => (
          <div key={m} className="discovered-row" data-testid={`discovered-${m}`}>
            <code>{m}</code>
            {configured.has(m) ? (
              <span className="pill pill-ok">added</span>
            ) : (
              <button
                type="button"
                className="button button-small"
                disabled={add.busy}
                onClick={() => void add.run(m)}
              >
                Add as alias
              </button>
            )}
          </div>
        ))}
      </div>
      <ErrorNotice error={add.error} />
    </>
  );
}

export function AddProviderDialog({
  provider,
  existing,
  onClose,
}: {
  provider: string;
  existing: string[];
  onClose: () => void;
}) {
  const client = useClient();
  const kind = providerKind(provider);
  const label = FEATURED.find((p) => p.id === provider)?.label ?? kind?.label ?? provider;
  const needsKey = kind?.requiresApiKey ?? false;
  const needsBase = !kind?.defaultApiBase;
  const [name, setName] = useState(provider === 'openai_like' ? 'my-server' : provider);
  const [secret, setSecret] = useState('');
  const [apiBase, setApiBase] = useState('');
  const [stored, setStored] = useState<{ name: string; hint: string }>();
  const [test, setTest] = useState<AdminOutput<'credential.test'>>();
  const [found, setFound] = useState<Found>();
  const keyRef = stored ? `keychain/${stored.name}` : undefined;
  const base = apiBase.trim() || undefined;

  const store = useAction(async () => {
    if (needsBase && !base) throw new Error(`${label} needs its API base URL.`);
    const out = await client.call('credential.set', { name, secret });
    setSecret('');
    setStored(out);
    return out;
  });
  const runTest = useAction(async () => {
    const out = await client.call('credential.test', {
      name: stored!.name,
      provider,
      ...(base ? { api_base: base } : {}),
    });
    setTest(out);
  });
  const discover = useAction(async () => {
    if (needsBase && !base) throw new Error(`${label} needs its API base URL.`);
    setFound(
      await client.call('provider.models', {
        provider,
        ...(base ? { api_base: base } : {}),
        ...(keyRef ? { api_key: keyRef } : {}),
      }),
    );
  });
  const ready = !needsKey || stored !== undefined;
  return (
    <Dialog title={`Add ${label}`} onClose={onClose} wide>
      <div className="form-grid">
        <TextField
          label="API base URL"
          hint={
            kind?.defaultApiBase ? `Blank: ${kind.defaultApiBase}` : 'Required, e.g. http://127.0.0.1:8000/v1'
          }
          name="api_base"
          value={apiBase}
          onChange={setApiBase}
          placeholder={kind?.defaultApiBase ?? 'https://…'}
        />
        {provider !== 'ollama' && !stored && (
          <>
            <TextField
              label="Name in the keychain"
              hint={
                existing.includes(name)
                  ? 'A key with this name exists: saving replaces it.'
                  : 'Letters, digits, dots, dashes, underscores.'
              }
              name="credential_name"
              value={name}
              onChange={setName}
            />
            <SecretField
              label={`${label} API key${needsKey ? '' : ' (if the server wants one)'}`}
              value={secret}
              onChange={setSecret}
            />
          </>
        )}
      </div>
      {stored && (
        <Notice tone="ok">
          Stored in the keychain as <code>keychain/{stored.name}</code>:{' '}
          <code data-testid="stored-hint">{stored.hint}</code>
        </Notice>
      )}
      <div className="steps">
        {provider !== 'ollama' && !stored && (
          <button
            type="button"
            className="button button-primary"
            disabled={store.busy || !secret.trim()}
            onClick={() => void store.run()}
          >
            {store.busy ? 'Saving…' : 'Save key'}
          </button>
        )}
        {stored && (
          <button type="button" className="button" disabled={runTest.busy} onClick={() => void runTest.run()}>
            {runTest.busy ? 'Testing…' : 'Test connection'}
          </button>
        )}
        <button
          type="button"
          className={`button ${ready ? 'button-primary' : ''}`}
          disabled={discover.busy || !ready}
          onClick={() => void discover.run()}
        >
          {discover.busy ? 'Asking for models…' : 'Find models'}
        </button>
      </div>
      {test && (
        <div className={`test-result ${test.ok ? 'test-ok' : 'test-bad'}`} data-testid="connection-test">
          {test.ok
            ? `Connected in ${ms(test.latency_ms)}${test.models !== undefined ? `; ${test.models} models available` : ''}.`
            : `Failed${test.error?.status ? ` (${test.error.status})` : ''}: ${test.error?.message ?? 'no answer'}`}
        </div>
      )}
      <ErrorNotice error={store.error ?? runTest.error} />
      {discover.error !== undefined && (
        <div className="notice notice-error" role="alert">
          <strong>Could not list the models</strong>
          <span>{describeError(discover.error)}</span>
        </div>
      )}
      {found && (
        <>
          <h3>Models at {label}</h3>
          <DiscoveredModels provider={provider} found={found} apiBase={base} apiKey={keyRef} />
        </>
      )}
    </Dialog>
  );
}

/** A new secret under an existing name: every deployment naming keychain/<name> uses it from the next request. */
export function ReplaceKeyDialog({ name, onClose }: { name: string; onClose: () => void }) {
  const client = useClient();
  const [secret, setSecret] = useState('');
  const [hint, setHint] = useState<string>();
  const save = useAction(async () => {
    const out = await client.call('credential.set', { name, secret });
    setSecret('');
    setHint(out.hint);
  });
  return (
    <Dialog
      title={`Replace keychain/${name}`}
      onClose={onClose}
      footer={
        hint ? (
          <button type="button" className="button button-primary" onClick={onClose}>
            Done
          </button>
        ) : (
          <DialogActions
            onCancel={onClose}
            label="Replace"
            busy={save.busy}
            disabled={!secret.trim()}
            onConfirm={() => void save.run()}
          />
        )
      }
    >
      {hint ? (
        <Notice tone="ok">
          Replaced: <code>{hint}</code>. Requests use the new key from now on.
        </Notice>
      ) : (
        <SecretField label="New API key" value={secret} onChange={setSecret} />
      )}
      <ErrorNotice error={save.error} />
    </Dialog>
  );
}
