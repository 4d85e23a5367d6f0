// Apps & keys: one key per tool, each with its own cap, limits and line in the usage numbers.
import { useEffect, useState } from 'react';
import type { KeyInfo, KeySettings } from '../../../shared/admin/keys.ts';
import { useAction, useAdmin, useClient } from '../api/use-admin.ts';
import { useAliases, useGatewayUrl } from '../api/use-gateway.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { ConfirmDialog, Dialog } from '../components/dialog.tsx';
import { EmptyState, ErrorNotice, Loading } from '../components/notice.tsx';
import { Card, PageHeader } from '../components/page-header.tsx';
import { ProgressBar } from '../components/progress-bar.tsx';
import { ACTIONS, Table } from '../components/table.tsx';
import { count, money, period, relative } from '../format.ts';
import { ConnectPanel } from './connect-panel.tsx';
import { KeyFormDialog } from './key-form.tsx';

type Modal =
  | { kind: 'create' }
  | { kind: 'edit'; key: KeyInfo }
  | { kind: 'secret'; key: KeyInfo; secret: string; regenerated: boolean }
  | { kind: 'connect'; key: KeyInfo }
  | { kind: 'delete'; key: KeyInfo }
  | { kind: 'regenerate'; key: KeyInfo };

const nameOf = (k: KeyInfo) => k.key_alias ?? k.key_name;

/** `focusKey`: a key id from the URL (`#/keys?key=<id>`, the tray's "Custom…" cap): opens that key's editor. */
export function KeysPage({ focusKey }: { focusKey?: string | undefined } = {}) {
  const client = useClient();
  const keys = useAdmin('key.list', { size: 1000 }, { refreshMs: 15_000 });
  const { aliases } = useAliases();
  const baseUrl = useGatewayUrl();
  const [modal, setModal] = useState<Modal>();
  const close = () => setModal(undefined);
  const done = async () => {
    close();
    await keys.reload();
  };

  const save = useAction(async (settings: KeySettings, existing?: KeyInfo) => {
    if (existing) {
      await client.call('key.update', { ...settings, key: existing.id });
      await done();
    } else {
      const created = await client.call('key.generate', settings);
      setModal({ kind: 'secret', key: created, secret: created.key, regenerated: false });
      await keys.reload();
    }
  });
  const act = useAction(async (what: 'block' | 'unblock' | 'delete' | 'regenerate', key: KeyInfo) => {
    if (what === 'block') await client.call('key.block', { key: key.id });
    if (what === 'unblock') await client.call('key.unblock', { key: key.id });
    if (what === 'delete') await client.call('key.delete', { keys: [key.id] });
    if (what === 'regenerate') {
      const fresh = await client.call('key.regenerate', { key: key.id });
      setModal({ kind: 'secret', key: fresh, secret: fresh.key, regenerated: true });
      await keys.reload();
      return;
    }
    await done();
  });

  const list = keys.data?.keys ?? [];
  const focused = focusKey === undefined ? undefined : list.find((k) => k.id === focusKey);
  useEffect(() => {
    if (focused) setModal({ kind: 'edit', key: focused });
    // Once per key asked for: a reload of the list must not reopen a dialog the user closed.
  }, [focused?.id]);
  const newButton = (
    <button
      type="button"
      className="button button-primary"
      onClick={() => {
        save.clearError();
        setModal({ kind: 'create' });
      }}
    >
      New app key
    </button>
  );
  return (
    <>
      <PageHeader
        title="Apps & keys"
        lead="Give each tool its own key: its own cap, limits and line in the usage numbers. A key's secret is shown once."
        actions={newButton}
      />
      <ErrorNotice error={keys.error ?? (modal ? undefined : act.error)} onRetry={() => void keys.reload()} />
      {keys.loading ? (
        <Loading what="Loading keys" />
      ) : list.length === 0 && !keys.error ? (
        <EmptyState title="No app keys yet" action={newButton}>
          Create a key for each tool (Continue, Cline, Claude Code, a script…). You get ready-to-paste
          settings for it right away.
        </EmptyState>
      ) : (
        <Card>
          <Table columns={['App', 'Spend', 'Limits', 'Models', 'Last used', ACTIONS]}>
            {list.map((k) => (
              <tr key={k.id} data-testid={`key-row-${nameOf(k)}`} className={k.blocked ? 'row-muted' : ''}>
                <td>
                  <strong>{nameOf(k)}</strong>
                  <div className="muted small">
                    {k.key_name}
                    {k.blocked && <span className="pill pill-bad">blocked</span>}
                    {k.expires && (
                      <span className={`pill ${Date.parse(k.expires) < Date.now() ? 'pill-bad' : ''}`}>
                        {Date.parse(k.expires) < Date.now() ? 'expired' : `expires ${relative(k.expires)}`}
                      </span>
                    )}
                    {k.plan && <span className="pill">plan {k.plan}</span>}
                  </div>
                </td>
                <td className="cap-cell">
                  <div>
                    <span data-testid="key-spend">{money(k.spend)}</span>
                    {k.max_budget !== null && (
                      <span className="muted">
                        {' '}
                        of {money(k.max_budget)} {period(k.budget_duration)}
                      </span>
                    )}
                  </div>
                  <ProgressBar
                    value={k.spend + k.reserved}
                    max={k.max_budget}
                    label={`${nameOf(k)} spend of cap`}
                  />
                  {k.budget_reset_at && (
                    <div className="muted small">resets {relative(k.budget_reset_at)}</div>
                  )}
                  {k.budget_fallback && <div className="muted small">then uses {k.budget_fallback}</div>}
                </td>
                <td className="small">
                  {k.rpm_limit ? `${count(k.rpm_limit)} req/min` : ''}
                  {k.tpm_limit ? <div>{count(k.tpm_limit)} tokens/min</div> : null}
                  {k.max_parallel_requests ? <div>{k.max_parallel_requests} at once</div> : null}
                  {!k.rpm_limit && !k.tpm_limit && !k.max_parallel_requests && (
                    <span className="muted">none</span>
                  )}
                </td>
                <td className="small">
                  {k.models.length ? k.models.join(', ') : <span className="muted">all</span>}
                </td>
                <td className="small">{relative(k.last_used_at)}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => setModal({ kind: 'connect', key: k })}
                  >
                    Connect
                  </button>
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => {
                      save.clearError();
                      setModal({ kind: 'edit', key: k });
                    }}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    className="button button-small"
                    disabled={act.busy}
                    onClick={() => void act.run(k.blocked ? 'unblock' : 'block', k)}
                  >
                    {k.blocked ? 'Unblock' : 'Block'}
                  </button>
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => {
                      act.clearError();
                      setModal({ kind: 'regenerate', key: k });
                    }}
                  >
                    Regenerate
                  </button>
                  <button
                    type="button"
                    className="button button-small button-danger"
                    onClick={() => {
                      act.clearError();
                      setModal({ kind: 'delete', key: k });
                    }}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </Table>
        </Card>
      )}

      {(modal?.kind === 'create' || modal?.kind === 'edit') && (
        <KeyFormDialog
          existing={modal.kind === 'edit' ? modal.key : undefined}
          aliases={aliases}
          busy={save.busy}
          error={save.error}
          onClose={close}
          onSave={(settings) => void save.run(settings, modal.kind === 'edit' ? modal.key : undefined)}
        />
      )}
      {modal?.kind === 'secret' && (
        <Dialog
          title={`${modal.regenerated ? 'New secret for' : 'Key created:'} ${nameOf(modal.key)}`}
          onClose={close}
          wide
        >
          <p>
            Copy the secret now: Switchyard keeps only its hash and <strong>cannot show it again</strong>.
            {modal.regenerated && ' The old secret stopped working.'}
          </p>
          <div className="secret">
            <code data-testid="new-secret">{modal.secret}</code>
            <CopyButton text={modal.secret} label="Copy secret" />
          </div>
          <h3>Connect a tool</h3>
          <ConnectPanel
            baseUrl={baseUrl}
            apiKey={modal.secret}
            aliases={modal.key.models.length ? modal.key.models : aliases}
          />
        </Dialog>
      )}
      {modal?.kind === 'connect' && (
        <Dialog title={`Connect ${nameOf(modal.key)}`} onClose={close} wide>
          <p className="muted">
            The secret was shown once, when the key was made; paste it where the snippets say{' '}
            <code>&lt;your app key&gt;</code>. Lost it? Regenerate the key for a new one.
          </p>
          <ConnectPanel baseUrl={baseUrl} aliases={modal.key.models.length ? modal.key.models : aliases} />
        </Dialog>
      )}
      {modal?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete ${nameOf(modal.key)}?`}
          confirmLabel="Delete key"
          danger
          busy={act.busy}
          onClose={close}
          onConfirm={() => void act.run('delete', modal.key)}
        >
          <p>Apps using this key are refused from now on. Its spend stays in the ledger and the reports.</p>
          <ErrorNotice error={act.error} />
        </ConfirmDialog>
      )}
      {modal?.kind === 'regenerate' && (
        <ConfirmDialog
          title={`Regenerate ${nameOf(modal.key)}?`}
          confirmLabel="Regenerate"
          busy={act.busy}
          onClose={close}
          onConfirm={() => void act.run('regenerate', modal.key)}
        >
          <p>The current secret stops working at once; settings, spend and history stay with the key.</p>
          <ErrorNotice error={act.error} />
        </ConfirmDialog>
      )}
    </>
  );
}
