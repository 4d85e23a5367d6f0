// Create or edit an app key: a name, a money cap per period, request limits, allowed models, a budget
// fallback and an expiry. Blank means "no limit"; the gateway validates again and its words are shown.
import { useState, type FormEvent } from 'react';
import type { KeyInfo, KeySettings } from '../../../shared/admin/keys.ts';
import { Dialog, DialogActions } from '../components/dialog.tsx';
import { NumberField, PickList, SelectField, TextField } from '../components/field.tsx';
import { ErrorNotice } from '../components/notice.tsx';
import { numberText } from '../form-values.ts';

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
  return {
    name: key?.key_alias ?? '',
    maxBudget: numberText(key?.max_budget),
    period: key ? (key.budget_duration ?? '') : '1mo',
    rpm: numberText(key?.rpm_limit),
    tpm: numberText(key?.tpm_limit),
    parallel: numberText(key?.max_parallel_requests),
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

/** The request limits: blank is unlimited, anything else a whole number above 0. */
const LIMITS = [
  ['rpm', 'rpm_limit', 'Requests per minute'],
  ['tpm', 'tpm_limit', 'Tokens per minute'],
  ['parallel', 'max_parallel_requests', 'Parallel requests'],
] as const;

type Limits = Pick<KeySettings, (typeof LIMITS)[number][1]>;

function limits(f: FormState): Limits {
  return Object.fromEntries(
    LIMITS.map(([k, name, label]) => [name, parseNumber(label, f[k], true)]),
  ) as Limits;
}

export function toSettings(f: FormState, editing: boolean): KeySettings {
  const maxBudget = parseNumber('The spending cap', f.maxBudget, false);
  const settings: KeySettings = {
    key_alias: f.name.trim() || null,
    models: f.models,
    max_budget: maxBudget,
    budget_duration: maxBudget === null ? null : f.period || null,
    ...limits(f),
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
        <DialogActions
          onCancel={onClose}
          form="key-form"
          label={existing ? 'Save changes' : 'Create key'}
          busy={busy}
        />
      }
    >
      <form id="key-form" className="form-grid" onSubmit={submit}>
        <TextField
          label="App name"
          hint="Shown in the usage numbers, e.g. cline or laptop-scripts."
          wide
          name="key_alias"
          value={f.name}
          onChange={(v) => set('name', v)}
          autoComplete="off"
          required
        />
        <NumberField
          label="Spending cap (USD)"
          hint="Blank: no cap."
          name="max_budget"
          value={f.maxBudget}
          onChange={(v) => set('maxBudget', v)}
          placeholder="e.g. 5"
        />
        <SelectField
          label="Cap period"
          hint="Days, weeks and months reset at local midnight, Monday and the 1st."
          name="budget_duration"
          value={f.period}
          onChange={(v) => set('period', v)}
          choices={[
            ...PERIODS,
            ...(PERIODS.some(([v]) => v === f.period) ? [] : [[f.period, `every ${f.period}`] as const]),
          ]}
        />
        {LIMITS.map(([k, name, label]) => (
          <NumberField
            key={name}
            label={label}
            hint="Blank: unlimited."
            name={name}
            integer
            value={f[k]}
            onChange={(v) => set(k, v)}
          />
        ))}
        <SelectField
          label="When the money runs out"
          hint="Answer with another model (say, a local one) instead of refusing."
          name="budget_fallback"
          value={f.fallback}
          onChange={(v) => set('fallback', v)}
          choices={[['', 'refuse requests'], ...choosable.map((a) => [a, `use ${a}`] as const)]}
        />
        <SelectField
          label="Expires"
          hint={existing?.expires ? `Now: ${new Date(existing.expires).toLocaleString()}` : undefined}
          name="duration"
          value={f.expiry}
          onChange={(v) => set('expiry', v)}
          choices={[...(existing ? [['keep', 'keep as it is'] as const] : []), ...EXPIRY]}
        />
        <PickList
          legend="Allowed models"
          hint="None ticked: every model. Ticked: only those."
          empty="No models configured yet."
          options={choosable}
          picked={f.models}
          onChange={(models) => set('models', models)}
        />
      </form>
      <ErrorNotice error={formError ?? error} />
    </Dialog>
  );
}
