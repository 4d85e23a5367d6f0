// Models: each alias with its deployments in routing order, the one tried first, fallbacks, prices,
// context windows and cooldowns; reorder, switch the primary, test, edit, add and remove.
import { useState } from 'react';
import type { AdminOutput } from '../../../shared/admin/contract.ts';
import type { AliasView, DeploymentView } from '../../../shared/admin/models.ts';
import { describeError } from '../api/admin-error.ts';
import { useAction, useAdmin, useClient } from '../api/use-admin.ts';
import { ConfirmDialog } from '../components/dialog.tsx';
import { EmptyState, ErrorNotice, Loading } from '../components/notice.tsx';
import { Card, PageHeader } from '../components/page-header.tsx';
import { clock, count, ms } from '../format.ts';
import { navigate } from '../routes.ts';
import { AliasFormDialog } from './alias-form.tsx';
import { DeploymentFormDialog } from './deployment-form.tsx';

type TestResult = AdminOutput<'deployment.test'> | { error: unknown };

const price = (n: number | null) => (n === null ? '?' : `$${n < 1 ? n.toFixed(3) : n.toFixed(2)}`);

function TestLine({ result }: { result: TestResult | 'running' | undefined }) {
  if (!result) return null;
  if (result === 'running') return <div className="test-result muted">Testing…</div>;
  if ('ok' in result && result.ok) {
    return (
      <div className="test-result test-ok" data-testid="test-result">
        Answered in {ms(result.latency_ms)}
      </div>
    );
  }
  const text =
    'ok' in result && result.error
      ? `${result.error.status ? `${result.error.status}: ` : ''}${result.error.message}`
      : 'error' in result
        ? describeError(result.error)
        : 'Failed';
  return (
    <div className="test-result test-bad" data-testid="test-result">
      Failed: {text}
    </div>
  );
}

function DeploymentRow({
  d,
  rank,
  alias,
  last,
  onChanged,
  onEdit,
  onRemove,
}: {
  d: DeploymentView;
  rank: number;
  alias: AliasView;
  last: boolean;
  onChanged: () => Promise<void>;
  onEdit: () => void;
  onRemove: () => void;
}) {
  const client = useClient();
  const [test, setTest] = useState<TestResult | 'running'>();
  const isPrimary = alias.primary === d.id;
  const ids = alias.deployments.map((x) => x.id);
  const move = useAction(async (by: number) => {
    const next = [...ids];
    const i = next.indexOf(d.id);
    next.splice(i, 1);
    next.splice(i + by, 0, d.id);
    await client.call('model.reorder', { alias: alias.alias, deployment_ids: next });
    await onChanged();
  });
  const primary = useAction(async () => {
    await client.call('model.setPrimary', { alias: alias.alias, deployment_id: d.id });
    await onChanged();
  });
  const runTest = async () => {
    setTest('running');
    try {
      setTest(await client.call('deployment.test', { id: d.id }));
    } catch (error) {
      setTest({ error });
    }
  };
  return (
    <div
      className={`deployment ${isPrimary ? 'deployment-primary' : ''}`}
      data-testid={`deployment-${d.model}`}
    >
      <div className="deployment-rank">{rank}</div>
      <div>
        <strong>{d.model}</strong>
        {isPrimary && alias.deployments.length > 1 && <span className="pill pill-accent">primary</span>}
        {d.cooling && (
          <span className="pill pill-warn" title={d.last_error ?? undefined}>
            cooling{d.cooldown_until ? ` until ${clock(d.cooldown_until)}` : ''}
          </span>
        )}
        <div className="deployment-meta">
          {d.api_base && <span>{d.api_base}</span>}
          {d.credential && (
            <span>{d.credential === 'literal' ? 'key written in config.yaml' : `key: ${d.credential}`}</span>
          )}
          <span>
            {d.price_source === 'local'
              ? 'free (local)'
              : `${price(d.input_cost_per_million)} in / ${price(d.output_cost_per_million)} out per 1M tokens`}
            {d.price_source === 'table' && ' (built-in price)'}
            {d.price_source === 'unknown' && ' (no price known: counted as $0)'}
          </span>
          <span>
            {d.context_window ? `${count(d.context_window)} tokens context` : 'context window not set'}
          </span>
          {d.rpm && <span>{count(d.rpm)} req/min</span>}
          {d.weight !== null && <span>weight {d.weight}</span>}
        </div>
        {d.last_error && !test && <div className="test-result test-bad">Last error: {d.last_error}</div>}
        <TestLine result={test} />
        <ErrorNotice error={move.error ?? primary.error} />
      </div>
      <div className="deployment-actions">
        {!isPrimary && alias.deployments.length > 1 && (
          <button
            type="button"
            className="button button-small"
            disabled={primary.busy}
            onClick={() => void primary.run()}
          >
            Use first
          </button>
        )}
        <button
          type="button"
          className="button button-small"
          aria-label={`Move ${d.model} up`}
          disabled={rank === 1 || move.busy}
          onClick={() => void move.run(-1)}
        >
          ↑
        </button>
        <button
          type="button"
          className="button button-small"
          aria-label={`Move ${d.model} down`}
          disabled={last || move.busy}
          onClick={() => void move.run(1)}
        >
          ↓
        </button>
        <button
          type="button"
          className="button button-small"
          disabled={test === 'running'}
          onClick={() => void runTest()}
        >
          Test
        </button>
        <button type="button" className="button button-small" onClick={onEdit}>
          Edit
        </button>
        <button type="button" className="button button-small button-danger" onClick={onRemove}>
          Remove
        </button>
      </div>
    </div>
  );
}

type Modal =
  | { kind: 'add'; alias?: string }
  | { kind: 'edit'; d: DeploymentView; alias: string }
  | { kind: 'remove'; d: DeploymentView; alias: string }
  | { kind: 'alias'; alias: AliasView };

export function ModelsPage() {
  const client = useClient();
  const models = useAdmin('models.list', {}, { refreshMs: 15_000 });
  const [modal, setModal] = useState<Modal>();
  const close = () => setModal(undefined);
  const reload = () => models.reload();
  const closeAndReload = async () => {
    close();
    await reload();
  };
  const remove = useAction(async (id: string) => {
    const out = await client.call('model.remove', { id });
    await closeAndReload();
    return out.warnings;
  });
  const aliases = models.data?.aliases ?? [];
  const names = aliases.map((a) => a.alias);
  const add = (
    <button type="button" className="button button-primary" onClick={() => setModal({ kind: 'add' })}>
      Add model
    </button>
  );
  return (
    <>
      <PageHeader
        title="Models"
        lead="The names your tools ask for (aliases), and where each one goes: deployments in the order they are tried, then the fallbacks."
        actions={
          <>
            <button type="button" className="button" onClick={() => navigate('providers')}>
              Find models at a provider
            </button>
            {add}
          </>
        }
      />
      <ErrorNotice error={models.error} onRetry={() => void reload()} />
      {models.loading ? (
        <Loading what="Loading models" />
      ) : aliases.length === 0 && !models.error ? (
        <EmptyState title="No models yet" action={add}>
          Add a provider on the Providers page to discover its models in one click, or add one by hand.
        </EmptyState>
      ) : (
        aliases.map((a) => (
          <Card
            key={a.alias}
            className="alias-card"
            title={a.alias}
            actions={
              <>
                <span className="muted small">
                  {a.wildcard ? 'any matching name · ' : ''}
                  {a.primary ? 'tried in order' : `shared: ${a.strategy}`}
                  {a.fallbacks.length ? ` · then ${a.fallbacks.join(', ')}` : ''}
                </span>
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => setModal({ kind: 'alias', alias: a })}
                >
                  Alias settings
                </button>
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => setModal({ kind: 'add', alias: a.alias })}
                >
                  Add deployment
                </button>
              </>
            }
          >
            {a.system_prompt && (
              <p className="small muted">
                System prompt: {a.system_prompt.slice(0, 160)}
                {a.system_prompt.length > 160 ? '…' : ''}
              </p>
            )}
            <div className="deployments" data-testid={`alias-${a.alias}`}>
              {a.deployments.map((d, i) => (
                <DeploymentRow
                  key={d.id}
                  d={d}
                  rank={i + 1}
                  alias={a}
                  last={i === a.deployments.length - 1}
                  onChanged={reload}
                  onEdit={() => setModal({ kind: 'edit', d, alias: a.alias })}
                  onRemove={() => {
                    remove.clearError();
                    setModal({ kind: 'remove', d, alias: a.alias });
                  }}
                />
              ))}
            </div>
          </Card>
        ))
      )}
      {(modal?.kind === 'add' || modal?.kind === 'edit') && (
        <DeploymentFormDialog
          alias={modal.alias}
          existing={modal.kind === 'edit' ? modal.d : undefined}
          aliases={names}
          onClose={close}
          onSaved={closeAndReload}
        />
      )}
      {modal?.kind === 'alias' && (
        <AliasFormDialog alias={modal.alias} aliases={names} onClose={close} onSaved={closeAndReload} />
      )}
      {modal?.kind === 'remove' && (
        <ConfirmDialog
          title={`Remove ${modal.d.model} from ${modal.alias}?`}
          confirmLabel="Remove"
          danger
          busy={remove.busy}
          onClose={close}
          onConfirm={() => void remove.run(modal.d.id)}
        >
          <p>
            It is taken out of config.yaml.
            {aliases.find((a) => a.alias === modal.alias)?.deployments.length === 1 &&
              ` It is the last deployment of ${modal.alias}, so requests for ${modal.alias} will fail.`}
          </p>
          <ErrorNotice error={remove.error} />
        </ConfirmDialog>
      )}
    </>
  );
}
