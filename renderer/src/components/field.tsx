import type { InputHTMLAttributes, ReactNode } from 'react';

interface FieldFrame {
  label: string;
  hint?: ReactNode;
  wide?: boolean | undefined;
}

/** A labelled form control with an optional hint; the label wraps the control so clicks focus it. */
export function Field({ label, hint, children, wide = false }: FieldFrame & { children: ReactNode }) {
  return (
    <label className={`field ${wide ? 'field-wide' : ''}`}>
      <span className="field-label">{label}</span>
      {children}
      {hint && <span className="field-hint">{hint}</span>}
    </label>
  );
}

type TextFieldProps = FieldFrame &
  Omit<InputHTMLAttributes<HTMLInputElement>, 'name' | 'value' | 'onChange'> & {
    name: string;
    value: string;
    onChange: (value: string) => void;
  };

/** A labelled <input>: `onChange` gets the new text; any other prop goes to the input as it is. */
export function TextField({ label, hint, wide, onChange, ...input }: TextFieldProps) {
  return (
    <Field label={label} hint={hint} wide={wide}>
      <input {...input} onChange={(e) => onChange(e.target.value)} />
    </Field>
  );
}

/**
 * A number typed as text, so blank stays possible (the form parses it): `integer` brings up the digits-only
 * keypad, otherwise one with a decimal point.
 */
export function NumberField({ integer = false, ...props }: TextFieldProps & { integer?: boolean }) {
  return <TextField inputMode={integer ? 'numeric' : 'decimal'} {...props} />;
}

/** A choice in a SelectField: its value, shown as it is, or `[value, label]`. */
export type Choice = string | readonly [value: string, label: string];

export function SelectField({
  label,
  hint,
  wide,
  name,
  value,
  onChange,
  choices,
}: FieldFrame & {
  name: string;
  value: string;
  onChange: (value: string) => void;
  choices: readonly Choice[];
}) {
  return (
    <Field label={label} hint={hint} wide={wide}>
      <select name={name} value={value} onChange={(e) => onChange(e.target.value)}>
        {choices.map((c, i) => {
          const [v, text] = typeof c === 'string' ? [c, c] : c;
          // Options hold no state, and two choices may share a value (two keys with one name).
          return (
            <option key={i} value={v}>
              {text}
            </option>
          );
        })}
      </select>
    </Field>
  );
}

/** Checkboxes over `options`; `picked` lists the ticked ones in the order they were ticked. */
export function PickList({
  legend,
  hint,
  empty,
  options,
  picked,
  onChange,
}: {
  legend: string;
  hint: ReactNode;
  /** Said instead when there is nothing to pick from. */
  empty: string;
  options: readonly string[];
  picked: readonly string[];
  onChange: (picked: string[]) => void;
}) {
  return (
    <fieldset className="field-wide models-pick">
      <legend>{legend}</legend>
      <p className="field-hint">{hint}</p>
      {options.length === 0 && <p className="muted">{empty}</p>}
      {options.map((a) => (
        <label key={a} className="check">
          <input
            type="checkbox"
            checked={picked.includes(a)}
            onChange={(e) => onChange(e.target.checked ? [...picked, a] : picked.filter((x) => x !== a))}
          />
          {a}
        </label>
      ))}
    </fieldset>
  );
}
