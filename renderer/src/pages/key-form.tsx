// Create or edit an app key: a name, a money cap per period, request limits, allowed models, a budget
// fallback and an expiry. Blank means "no limit"; the gateway validates again and its words are shown.
import { useState, type FormEvent } from 'react';
import type { KeyInfo, KeySettings } from '../../../shared/admin/keys.ts';
import { Dialog } from '../components/dialog.tsx';
import { Field } from '../components/field.tsx';
import { ErrorNotice } from '../components/notice.tsx';

const PERIODS = [
  ['1d', 'per day'],
  ['7d', 'per week'],
  ['1mo', 'per month'],
  ['', 'in total'],
] as const;

const EXPIRY = [
  ['', 'never'],
  ['1d', 'in 1 day'],
  ['7d', 'in 7 days'],
  ['30d', 'in 30 days'],
  ['90d', 'in 90 days'],
  ['12mo', 'in a year'],
] as const;

interface FormState {
  name: string;
  maxBudget: string;
  period: string;
  rpm: string;
  tpm: string;
  parallel: string;
  models: string[];
  fallback: string;
  expiry: string;
}

function initial(key: KeyInfo | undefined): FormState {
  const str = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));
  return {
    name: key?.key_alias ?? '',
    maxBudget: str(key?.max_budget),
    period: key ? (key.budget_duration ?? '') : '1mo',
    rpm: str(key?.rpm_limit),
    tpm: str(key?.tpm_limit),
    parallel: str(key?.max_parallel_requests),
    models: key?.models ?? [],
    fallback: key?.budget_fallback ?? '',
    expiry: key ? 'keep' : '',
  };
}

/** A form number: blank → null; anything else must be a number ≥ 0 (integers for limits). */
function parseNumber(label: string, s: string, integer: boolean): number | null {
  const t = s.trim();
  if (!t) return null;
  const n = Number(t);
  if (!Number.isFinite(n) || n < 0 || (integer && (!Number.isInteger(n) || n === 0)))
    throw new Error(
      `${label} must be ${integer ? 'a whole number above 0' : 'an amount of 0 or more'}, or left blank.`,
    );
  return n;
}

export function toSettings(f: FormState, editing: boolean): KeySettings {
  const maxBudget = parseNumber('The spending cap', f.maxBudget, false);
  const settings: KeySettings = {
    key_alias: f.name.trim() || null,
    models: f.models,
    max_budget: maxBudget,
    budget_duration: maxBudget === null ? null : f.period || null,
    rpm_limit: parseNumber('Requests per minute', f.rpm, true),
    tpm_limit: parseNumber('Tokens per minute', f.tpm, true),
    max_parallel_requests: parseNumber('Parallel requests', f.parallel, true),
    budget_fallback: f.fallback || null,
  };
  if (!editing || f.expiry !== 'keep') settings.duration = f.expiry || null;
  return settings;
}

export function KeyFormDialog({
  existing,
  aliases,
  onSave,
  onClose,
  busy,
  error,
}: {
  existing?: KeyInfo | undefined;
  aliases: string[];
  onSave: (settings: KeySettings) => void;
  onClose: () => void;
  busy: boolean;
  error: unknown;
}) {
  const [f, setF] = useState(() => initial(existing));
  const [formError, setFormError] = useState<unknown>();
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setF((s) => ({ ...s, [k]: v }));
  const choosable = aliases.filter((a) => !a.includes('*'));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    try {
      setFormError(undefined);
      onSave(toSettings(f, existing !== undefined));
    } catch (err) {
      setFormError(err);
    }
  };
  return (
    <Dialog
      title={existing ? `Edit ${existing.key_alias ?? 'key'}` : 'New app key'}
      onClose={onClose}
      wide
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="key-form" className="button button-primary" disabled={busy}>
            {busy ? 'Saving…' : existing ? 'Save changes' : 'Create key'}
          </button>
        </>
      }
    >
      <form id="key-form" className="form-grid" onSubmit={submit}>
        <Field label="App name" hint="Shown in the usage numbers, e.g. cline or laptop-scripts." wide>
          <input
            name="key_alias"
            value={f.name}
            onChange={(e) => set('name', e.target.value)}
            autoComplete="off"
            required
          />
        </Field>
        <Field label="Spending cap (USD)" hint="Blank: no cap.">
          <input
            name="max_budget"
            inputMode="decimal"
            value={f.maxBudget}
            onChange={(e) => set('maxBudget', e.target.value)}
            placeholder="e.g. 5"
          />
        </Field>
        <Field label="Cap period" hint="Days, weeks and months reset at local midnight, Monday and the 1st.">
          <select name="budget_duration" value={f.period} onChange={(e) => set('period', e.target.value)}>
            {PERIODS.map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
            {!PERIODS.some(([v]) => v === f.period) && <option value={f.period}>every {f.period}</option>}
          </select>
        </Field>
        <Field label="Requests per minute" hint="Blank: unlimited.">
          <input
            name="rpm_limit"
            inputMode="numeric"
            value={f.rpm}
            onChange={(e) => set('rpm', e.target.value)}
          />
        </Field>
        <Field label="Tokens per minute" hint="Blank: unlimited.">
          <input
            name="tpm_limit"
            inputMode="numeric"
            value={f.tpm}
            onChange={(e) => set('tpm', e.target.value)}
          />
        </Field>
        <Field label="Parallel requests" hint="Blank: unlimited.">
          <input
            name="max_parallel_requests"
            inputMode="numeric"
            value={f.parallel}
            onChange={(e) => set('parallel', e.target.value)}
          />
        </Field>
        <Field
          label="When the money runs out"
          hint="Answer with another model (say, a local one) instead of refusing."
        >
          <select name="budget_fallback" value={f.fallback} onChange={(e) => set('fallback', e.target.value)}>
            <option value="">refuse requests</option>
            {choosable.map((a) => (
              <option key={a} value={a}>
                use {a}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="Expires"
          hint={existing?.expires ? `Now: ${new Date(existing.expires).toLocaleString()}` : undefined}
        >
          <select name="duration" value={f.expiry} onChange={(e) => set('expiry', e.target.value)}>
            {existing && <option value="keep">keep as it is</option>}
            {EXPIRY.map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <fieldset className="field-wide models-pick">
          <legend>Allowed models</legend>
          <p className="field-hint">None ticked: every model. Ticked: only those.</p>
          {choosable.length === 0 && <p className="muted">No models configured yet.</p>}
          {choosable.map((a) => (
            <label key={a} className="check">
              <input
                type="checkbox"
                checked={f.models.includes(a)}
                onChange={(e) =>
                  set('models', e.target.checked ? [...f.models, a] : f.models.filter((m) => m !== a))
                }
              />
              {a}
            </label>
          ))}
        </fieldset>
      </form>
      <ErrorNotice error={formError ?? error} />
    </Dialog>
  );
}
