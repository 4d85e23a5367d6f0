// The window's tables and fact lists: one heading row over the rows a page renders, and term/value pairs.
import type { ReactNode } from 'react';

/** A column heading: its text; `numeric` aligns it right, `hidden` names it for screen readers only. */
export type Column = string | { label: string; numeric?: boolean; hidden?: boolean };

/** The column of a row's buttons: no visible heading. */
export const ACTIONS: Column = { label: 'Actions', hidden: true };

export function Table({
  className = 'table',
  columns,
  children,
}: {
  className?: string;
  columns: readonly Column[];
  /** The body's rows. */
  children: ReactNode;
}) {
  return (
    <table className={className}>
      <thead>
        <tr>
          {columns.map((c) => {
            const { label, numeric = false, hidden = false } = typeof c === 'string' ? { label: c } : c;
            if (hidden) return <th key={label} aria-label={label} />;
            return (
              <th key={label} className={numeric ? 'num' : undefined}>
                {label}
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

/** Term/value pairs, e.g. the details of one request. */
export function Facts({ items }: { items: readonly (readonly [string, ReactNode])[] }) {
  return (
    <dl className="facts">
      {items.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
