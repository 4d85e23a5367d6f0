// What Switchyard has been doing: money spent, who spent it on which model, traffic in the last hour, and
// what went wrong lately.
import { useState } from 'react';
import type { UsageSummary } from '../../../shared/admin/usage.ts';
import { useAdmin } from '../api/use-admin.ts';
import { AreaLine, StackedBars, type Series } from '../components/charts.tsx';
import { EmptyState, ErrorNotice, Loading } from '../components/notice.tsx';
import { Card, PageHeader } from '../components/page-header.tsx';
import { Table } from '../components/table.tsx';
import { clock, count, dateTime, dayLabel, money } from '../format.ts';
import { navigate } from '../routes.ts';

const MAX_SERIES = 7;
const NO_KEY = 'no app key';

interface PerDay {
  day: string;
  name: string;
  spend: number;
  requests: number;
}

/** Series per name over `days`, the biggest first; the rest summed as "other". */
export function toSeries(days: string[], rows: PerDay[], measure: 'spend' | 'requests'): Series[] {
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.name, (totals.get(r.name) ?? 0) + r[measure]);
  const names = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([n]) => n);
  const kept = names.slice(0, MAX_SERIES);
  const index = new Map(days.map((d, i) => [d, i]));
  const byName = new Map<string, number[]>();
  for (const r of rows) {
    const name = kept.includes(r.name) ? r.name : 'other';
    const i = index.get(r.day);
    if (i === undefined) continue;
    const values =
      byName.get(name) ??
      byName
        .set(
          name,
          days.map(() => 0),
        )
        .get(name)!;
    values[i] = (values[i] ?? 0) + r[measure];
  }
  return [...kept, ...(byName.has('other') ? ['other'] : [])].map((name) => ({
    name,
    values: byName.get(name) ?? days.map(() => 0),
  }));
}

function perMinute(summary: UsageSummary): number[] {
  const end = Math.floor(summary.now / 60_000) * 60_000;
  const counts = new Map(summary.rpm.map((r) => [r.minute, r.requests]));
  return Array.from({ length: 60 }, (_, i) => counts.get(end - (59 - i) * 60_000) ?? 0);
}

function SpendChart({ title, summary, rows }: { title: string; summary: UsageSummary; rows: PerDay[] }) {
  // Local models cost nothing: a chart of $0 says nothing, so count requests instead.
  const anySpend = rows.some((r) => r.spend > 0);
  const measure = anySpend ? 'spend' : 'requests';
  const series = toSeries(summary.days, rows, measure);
  return (
    <Card title={anySpend ? `Spend by ${title}` : `Requests by ${title}`}>
      {rows.length === 0 ? (
        <p className="muted">Nothing in the last {summary.days.length} days.</p>
      ) : (
        <StackedBars
          title={`${measure} by ${title} per day`}
          categories={summary.days}
          series={series}
          labelFor={dayLabel}
          format={anySpend ? money : (n) => (Number.isInteger(n) ? count(n) : n.toFixed(1))}
        />
      )}
    </Card>
  );
}

export function OverviewPage() {
  const [days, setDays] = useState(30);
  const { data, error, loading, reload } = useAdmin('usage.summary', { days }, { refreshMs: 10_000 });
  const header = (
    <PageHeader
      title="Overview"
      lead="Spend and traffic through Switchyard. Updates every few seconds."
      actions={
        <>
          <select aria-label="Chart period" value={days} onChange={(e) => setDays(Number(e.target.value))}>
            <option value={7}>last 7 days</option>
            <option value={30}>last 30 days</option>
            <option value={90}>last 90 days</option>
          </select>
          <button type="button" className="button" onClick={() => void reload()}>
            Refresh
          </button>
        </>
      }
    />
  );
  if (loading)
    return (
      <>
        {header}
        <Loading what="Adding up the ledger" />
      </>
    );
  if (!data)
    return (
      <>
        {header}
        <ErrorNotice error={error} onRetry={() => void reload()} />
      </>
    );

  const totalRequests = data.by_model.reduce((s, r) => s + r.requests, 0);
  const rpm = perMinute(data);
  const byKey = data.by_key.map((r) => ({
    ...r,
    name: r.key_alias ?? (r.key_id ? r.key_id.slice(0, 8) : NO_KEY),
  }));
  const byModel = data.by_model.map((r) => ({ ...r, name: r.alias }));
  return (
    <>
      {header}
      <ErrorNotice error={error} onRetry={() => void reload()} />
      <div className="stats">
        <Stat label="Today" value={money(data.spend.today)} testId="spend-today" />
        <Stat label="Last 7 days" value={money(data.spend.d7)} testId="spend-7d" />
        <Stat label="Last 30 days" value={money(data.spend.d30)} testId="spend-30d" />
        <Stat label="This month" value={money(data.spend.month)} testId="spend-month" />
        <Stat label="Requests today" value={count(data.requests.today)} testId="requests-today" />
        <Stat
          label="Errors today"
          value={count(data.requests.errors_today)}
          testId="errors-today"
          tone={data.requests.errors_today > 0 ? 'warn' : undefined}
        />
      </div>
      {totalRequests === 0 ? (
        <EmptyState
          title={`No requests in the last ${days} days`}
          action={
            <button type="button" className="button button-primary" onClick={() => navigate('keys')}>
              Create an app key
            </button>
          }
        >
          Give each tool its own key on Apps &amp; keys, point it at this gateway, and its spend shows up
          here.
        </EmptyState>
      ) : (
        <>
          <div className="grid-2">
            <SpendChart title="app" summary={data} rows={byKey} />
            <SpendChart title="model" summary={data} rows={byModel} />
          </div>
          <Card title="Requests per minute, last hour">
            <AreaLine
              title="requests per minute over the last hour"
              values={rpm}
              labels={(i) => clock(Math.floor(data.now / 60_000) * 60_000 - (59 - i) * 60_000)}
              format={(n) => (Number.isInteger(n) ? count(n) : n.toFixed(1))}
            />
          </Card>
        </>
      )}
      <div className="grid-2">
        <Card title="Recent errors">
          {data.recent_errors.length === 0 ? (
            <p className="muted">No errors. </p>
          ) : (
            <Table className="table table-compact" columns={['When', 'App', 'Model', 'Error']}>
              {data.recent_errors.map((e) => (
                <tr key={e.request_id}>
                  <td>{dateTime(e.ts)}</td>
                  <td>{e.key_alias ?? '—'}</td>
                  <td>{e.alias}</td>
                  <td>
                    <span className="pill pill-bad">{e.status}</span> {e.error_code ?? ''}
                  </td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
        <Card title="Recent fallbacks">
          {data.recent_fallbacks.length === 0 ? (
            <p className="muted">Every request was answered by the first deployment tried.</p>
          ) : (
            <Table className="table table-compact" columns={['When', 'Model', 'Tried', 'Result']}>
              {data.recent_fallbacks.map((e) => (
                <tr key={e.request_id}>
                  <td>{dateTime(e.ts)}</td>
                  <td>{e.alias}</td>
                  <td className="chain">{e.tried.join(' → ')}</td>
                  <td>
                    <span className={`pill ${e.status < 400 ? 'pill-ok' : 'pill-bad'}`}>{e.status}</span>
                  </td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
      </div>
    </>
  );
}

function Stat({
  label,
  value,
  testId,
  tone,
}: {
  label: string;
  value: string;
  testId: string;
  tone?: 'warn' | undefined;
}) {
  return (
    <div className={`stat ${tone ? `stat-${tone}` : ''}`}>
      <span className="stat-label">{label}</span>
      <span className="stat-value" data-testid={testId}>
        {value}
      </span>
    </div>
  );
}
