// The ledger: one row per request with its cost, tokens, latency and the chain of attempts behind it.
// No prompt or completion text is stored, so none is shown.
import { useMemo, useState, type ReactNode } from 'react';
import type { AdminInput } from '../../../shared/admin/contract.ts';
import type { SpendLogRow } from '../../../shared/admin/spend.ts';
import { useAdmin } from '../api/use-admin.ts';
import { useAliases } from '../api/use-gateway.ts';
import { Dialog } from '../components/dialog.tsx';
import { Field } from '../components/field.tsx';
import { EmptyState, ErrorNotice, Loading } from '../components/notice.tsx';
import { Card, PageHeader } from '../components/page-header.tsx';
import { count, dateTime, money, ms } from '../format.ts';

interface Filters {
  key_alias: string;
  model: string;
  provider: string;
  status: '' | 'ok' | 'error';
  fallback: '' | 'true' | 'false';
  start_date: string;
  end_date: string;
  limit: number;
}

const EMPTY: Filters = {
  key_alias: '',
  model: '',
  provider: '',
  status: '',
  fallback: '',
  start_date: '',
  end_date: '',
  limit: 100,
};

export function fellBack(row: SpendLogRow): boolean {
  return new Set(row.attempts.map((a) => a.deployment)).size > 1;
}

function toInput(f: Filters): AdminInput<'spend.logs'> {
  return {
    limit: f.limit,
    ...(f.key_alias ? { key_alias: f.key_alias } : {}),
    ...(f.model ? { model: f.model } : {}),
    ...(f.provider ? { provider: f.provider } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(f.fallback ? { fallback: f.fallback === 'true' } : {}),
    ...(f.start_date ? { start_date: f.start_date } : {}),
    ...(f.end_date ? { end_date: f.end_date } : {}),
  };
}

export function LogsPage() {
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const logs = useAdmin('spend.logs', toInput(filters), { refreshMs: 10_000 });
  const keys = useAdmin('key.list', { size: 1000 });
  const health = useAdmin('router.health', {});
  const { aliases } = useAliases();
  const providers = useMemo(
    () => [...new Set((health.data ?? []).map((d) => d.model.split('/', 1)[0]!))].sort(),
    [health.data],
  );
  const [open, setOpen] = useState<SpendLogRow>();
  const set = <K extends keyof Filters>(k: K, v: Filters[K]) =>
    setFilters((f) => ({ ...f, [k]: v, limit: EMPTY.limit }));
  const filtered = JSON.stringify(filters) !== JSON.stringify(EMPTY);
  const rows = logs.data ?? [];

  return (
    <>
      <PageHeader
        title="Logs"
        lead="Every request through Switchyard, newest first. Click a row for its attempts."
        actions={
          <button type="button" className="button" onClick={() => void logs.reload()}>
            Refresh
          </button>
        }
      />
      <Card>
        <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
          <Field label="App">
            <select
              name="key_alias"
              value={filters.key_alias}
              onChange={(e) => set('key_alias', e.target.value)}
            >
              <option value="">all</option>
              {(keys.data?.keys ?? [])
                .filter((k) => k.key_alias)
                .map((k) => (
                  <option key={k.id} value={k.key_alias!}>
                    {k.key_alias}
                  </option>
                ))}
            </select>
          </Field>
          <Field label="Model">
            <select name="model" value={filters.model} onChange={(e) => set('model', e.target.value)}>
              <option value="">all</option>
              {aliases.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Provider">
            <select
              name="provider"
              value={filters.provider}
              onChange={(e) => set('provider', e.target.value)}
            >
              <option value="">all</option>
              {providers.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Result">
            <select
              name="status"
              value={filters.status}
              onChange={(e) => set('status', e.target.value as Filters['status'])}
            >
              <option value="">all</option>
              <option value="ok">succeeded</option>
              <option value="error">failed</option>
            </select>
          </Field>
          <Field label="Fallback">
            <select
              name="fallback"
              value={filters.fallback}
              onChange={(e) => set('fallback', e.target.value as Filters['fallback'])}
            >
              <option value="">any</option>
              <option value="true">fell back</option>
              <option value="false">first try</option>
            </select>
          </Field>
          <Field label="From">
            <input
              type="date"
              name="start_date"
              value={filters.start_date}
              onChange={(e) => set('start_date', e.target.value)}
            />
          </Field>
          <Field label="To">
            <input
              type="date"
              name="end_date"
              value={filters.end_date}
              onChange={(e) => set('end_date', e.target.value)}
            />
          </Field>
          {filtered && (
            <button type="button" className="button button-small" onClick={() => setFilters(EMPTY)}>
              Clear filters
            </button>
          )}
        </form>
      </Card>
      <ErrorNotice error={logs.error} onRetry={() => void logs.reload()} />
      {logs.loading ? (
        <Loading what="Reading the ledger" />
      ) : rows.length === 0 ? (
        <EmptyState title={filtered ? 'No requests match these filters' : 'No requests yet'}>
          {filtered
            ? 'Widen the dates or clear a filter.'
            : 'Requests appear here as soon as a tool sends one. Create an app key and use its Connect settings.'}
        </EmptyState>
      ) : (
        <Card>
          <table className="table table-logs">
            <thead>
              <tr>
                <th>Time</th>
                <th>App</th>
                <th>Model</th>
                <th>Answered by</th>
                <th>Status</th>
                <th className="num">Tokens in / out</th>
                <th className="num">Cost</th>
                <th className="num">Latency</th>
                <th className="num">First token</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr
                  key={r.request_id}
                  className="clickable"
                  data-testid="log-row"
                  tabIndex={0}
                  onClick={() => setOpen(r)}
                  onKeyDown={(e) => e.key === 'Enter' && setOpen(r)}
                >
                  <td>{dateTime(r.startTime)}</td>
                  <td>{r.key_alias ?? <span className="muted">—</span>}</td>
                  <td>{r.model_group}</td>
                  <td className="small">
                    {r.custom_llm_provider ? `${r.custom_llm_provider}/${r.model ?? ''}` : '—'}
                    {fellBack(r) && <span className="pill pill-warn">fallback</span>}
                  </td>
                  <td>
                    <span className={`pill ${r.status < 400 ? 'pill-ok' : 'pill-bad'}`}>{r.status}</span>
                    {r.error_code && <span className="small"> {r.error_code}</span>}
                  </td>
                  <td className="num">
                    {count(r.prompt_tokens)} / {count(r.completion_tokens)}
                    {r.estimated && <abbr title="Counted by Switchyard: the provider reported none"> ≈</abbr>}
                  </td>
                  <td className="num" data-testid="log-cost">
                    {money(r.spend)}
                  </td>
                  <td className="num">{ms(r.latency_ms)}</td>
                  <td className="num">{ms(r.ttft_ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length >= filters.limit && (
            <div className="more">
              <button
                type="button"
                className="button"
                onClick={() => setFilters((f) => ({ ...f, limit: f.limit + 200 }))}
              >
                Show more
              </button>
            </div>
          )}
        </Card>
      )}
      {open && <LogDetail row={open} onClose={() => setOpen(undefined)} />}
    </>
  );
}

function LogDetail({ row, onClose }: { row: SpendLogRow; onClose: () => void }) {
  const facts: [string, ReactNode][] = [
    ['Request id', <code key="id">{row.request_id}</code>],
    ['Time', dateTime(row.startTime)],
    ['Endpoint', row.call_type],
    ['App', row.key_alias ?? '—'],
    ['Model asked for', row.model_group],
    ['Answered by', row.model_id ? `${row.model_id} (${row.custom_llm_provider}/${row.model})` : '—'],
    ['Status', `${row.status}${row.error_code ? ` ${row.error_code}` : ''}`],
    [
      'Tokens',
      `${count(row.prompt_tokens)} in, ${count(row.completion_tokens)} out${row.estimated ? ' (counted by Switchyard)' : ''}`,
    ],
    ['Cost', money(row.spend)],
    [
      'Latency',
      `${ms(row.latency_ms)}${row.ttft_ms !== null ? `, first token after ${ms(row.ttft_ms)}` : ''}`,
    ],
    ['Streamed', row.stream ? 'yes' : 'no'],
    ['Tags', row.request_tags.length ? row.request_tags.join(', ') : '—'],
  ];
  return (
    <Dialog title="Request" onClose={onClose} wide>
      <dl className="facts">
        {facts.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <h3>Attempts</h3>
      {row.attempts.length === 0 ? (
        <p className="muted">No deployment was tried (refused before routing).</p>
      ) : (
        <ol className="attempts" data-testid="attempt-chain">
          {row.attempts.map((a, i) => (
            <li key={i} className={a.status < 400 ? 'attempt-ok' : 'attempt-bad'}>
              <strong>{a.deployment}</strong> <span className="muted">({a.provider})</span> →{' '}
              <span className={`pill ${a.status < 400 ? 'pill-ok' : 'pill-bad'}`}>
                {a.status || 'no answer'}
              </span>
              {a.code && <span className="small"> {a.code}</span>}
              <span className="muted small"> after {ms(a.latency_ms)}</span>
            </li>
          ))}
        </ol>
      )}
    </Dialog>
  );
}
