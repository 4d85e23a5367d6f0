// The ledger: one row per request with its cost, tokens, latency and the chain of attempts behind it.
// No prompt or completion text is stored, so none is shown.
import { useMemo, useState, type ReactNode } from 'react';
import type { AdminInput } from '../../../shared/admin/contract.ts';
import type { SpendLogRow } from '../../../shared/admin/spend.ts';
import { useAdmin } from '../api/use-admin.ts';
import { useAliases } from '../api/use-gateway.ts';
import { Dialog } from '../components/dialog.tsx';
import { SelectField, TextField } from '../components/field.tsx';
import { EmptyState, ErrorNotice, Loading } from '../components/notice.tsx';
import { Card, PageHeader } from '../components/page-header.tsx';
import { Facts, Table } from '../components/table.tsx';
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

/** The first choice of every filter: no filtering. */
const ALL = ['', 'all'] as const;

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
          <SelectField
            label="App"
            name="key_alias"
            value={filters.key_alias}
            onChange={(v) => set('key_alias', v)}
            choices={[ALL, ...(keys.data?.keys ?? []).flatMap((k) => (k.key_alias ? [k.key_alias] : []))]}
          />
          <SelectField
            label="Model"
            name="model"
            value={filters.model}
            onChange={(v) => set('model', v)}
            choices={[ALL, ...aliases]}
          />
          <SelectField
            label="Provider"
            name="provider"
            value={filters.provider}
            onChange={(v) => set('provider', v)}
            choices={[ALL, ...providers]}
          />
          <SelectField
            label="Result"
            name="status"
            value={filters.status}
            onChange={(v) => set('status', v as Filters['status'])}
            choices={[ALL, ['ok', 'succeeded'], ['error', 'failed']]}
          />
          <SelectField
            label="Fallback"
            name="fallback"
            value={filters.fallback}
            onChange={(v) => set('fallback', v as Filters['fallback'])}
            choices={[
              ['', 'any'],
              ['true', 'fell back'],
              ['false', 'first try'],
            ]}
          />
          <TextField
            label="From"
            type="date"
            name="start_date"
            value={filters.start_date}
            onChange={(v) => set('start_date', v)}
          />
          <TextField
            label="To"
            type="date"
            name="end_date"
            value={filters.end_date}
            onChange={(v) => set('end_date', v)}
          />
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
          <Table
            className="table table-logs"
            columns={[
              'Time',
              'App',
              'Model',
              'Answered by',
              'Status',
              { label: 'Tokens in / out', numeric: true },
              { label: 'Cost', numeric: true },
              { label: 'Latency', numeric: true },
              { label: 'First token', numeric: true },
            ]}
          >
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
          </Table>
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
      <Facts items={facts} />
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
