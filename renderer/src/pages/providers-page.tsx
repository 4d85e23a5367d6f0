// Providers: vendor keys in the OS keychain (shown masked), a connection test, and model discovery that
// turns a provider's models into aliases in one click. A local Ollama is looked for on its own.
import { useState } from 'react';
import type { CredentialInfo } from '../../../shared/admin/credentials.ts';
import { useAction, useAdmin, useClient } from '../api/use-admin.ts';
import { ConfirmDialog } from '../components/dialog.tsx';
import { EmptyState, ErrorNotice, Loading, Notice } from '../components/notice.tsx';
import { Card, PageHeader } from '../components/page-header.tsx';
import { ACTIONS, Table } from '../components/table.tsx';
import { relative } from '../format.ts';
import { AddProviderDialog, DiscoveredModels, FEATURED, ReplaceKeyDialog } from './provider-setup.tsx';

function OllamaCard() {
  const found = useAdmin('provider.models', { provider: 'ollama' });
  if (found.loading)
    return (
      <Card title="Ollama on this machine">
        <Loading what="Looking for Ollama at 127.0.0.1:11434" />
      </Card>
    );
  if (found.error || !found.data)
    return (
      <Card title="Ollama on this machine">
        <p className="muted">
          No Ollama answered at 127.0.0.1:11434. Install it from ollama.com and pull a model (ollama pull
          llama3.2), then{' '}
          <button type="button" className="link" onClick={() => void found.reload()}>
            look again
          </button>
          .
        </p>
      </Card>
    );
  return (
    <Card title="Ollama on this machine">
      <p className="muted">
        Found at 127.0.0.1:11434 with {found.data.models.length} model(s). Local models cost nothing.
      </p>
      <DiscoveredModels provider="ollama" found={found.data} onAdded={() => found.reload()} />
    </Card>
  );
}

export function ProvidersPage() {
  const client = useClient();
  const status = useAdmin('keychain.status', {});
  const creds = useAdmin('credential.list', {});
  const [adding, setAdding] = useState<string>();
  const [deleting, setDeleting] = useState<CredentialInfo>();
  const [replacing, setReplacing] = useState<string>();
  const del = useAction(async (name: string) => {
    await client.call('credential.delete', { name });
    setDeleting(undefined);
    await creds.reload();
  });
  const list = creds.data ?? [];
  return (
    <>
      <PageHeader
        title="Providers"
        lead="Where your models come from. Vendor keys go into the system keychain; config.yaml only names them (keychain/NAME)."
      />
      {status.data && !status.data.available && <Notice tone="warn">{status.data.message}</Notice>}
      <ErrorNotice error={status.error} />
      <Card title="Add a provider">
        <div className="provider-grid">
          {FEATURED.map((p) => (
            <button key={p.id} type="button" className="provider-choice" onClick={() => setAdding(p.id)}>
              <strong>{p.label}</strong>
              <span className="muted small">{p.blurb}</span>
            </button>
          ))}
        </div>
      </Card>
      <OllamaCard />
      <Card title="Stored keys">
        <ErrorNotice error={creds.error} onRetry={() => void creds.reload()} />
        {creds.loading ? (
          <Loading what="Reading the keychain" />
        ) : list.length === 0 ? (
          <EmptyState title="No keys stored yet">
            Add a provider above: its key is kept in the keychain, never in a file.
          </EmptyState>
        ) : (
          <Table columns={['Name', 'Key', 'Set', 'Used by', ACTIONS]}>
            {list.map((c) => (
              <tr key={c.name} data-testid={`credential-${c.name}`}>
                <td>
                  <code>keychain/{c.name}</code>
                </td>
                <td>
                  <code>{c.hint}</code>
                </td>
                <td>{c.set_at ? relative(c.set_at) : 'outside Switchyard'}</td>
                <td className="small">
                  {c.used_by.length ? c.used_by.join(', ') : <span className="muted">nothing yet</span>}
                </td>
                <td className="actions">
                  <button type="button" className="button button-small" onClick={() => setReplacing(c.name)}>
                    Replace
                  </button>
                  <button
                    type="button"
                    className="button button-small button-danger"
                    onClick={() => {
                      del.clearError();
                      setDeleting(c);
                    }}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
      {adding && (
        <AddProviderDialog
          provider={adding}
          existing={list.map((c) => c.name)}
          onClose={() => {
            setAdding(undefined);
            void creds.reload();
          }}
        />
      )}
      {replacing && (
        <ReplaceKeyDialog
          name={replacing}
          onClose={() => {
            setReplacing(undefined);
            void creds.reload();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete keychain/${deleting.name}?`}
          confirmLabel="Delete key"
          danger
          busy={del.busy}
          onClose={() => setDeleting(undefined)}
          onConfirm={() => void del.run(deleting.name)}
        >
          <p>
            The key is removed from the keychain.
            {deleting.used_by.length > 0 &&
              ` ${deleting.used_by.join(', ')} will fail until they get another key.`}
          </p>
          <ErrorNotice error={del.error} />
        </ConfirmDialog>
      )}
    </>
  );
}
