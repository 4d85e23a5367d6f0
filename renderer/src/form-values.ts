// Between what the gateway stores and what a form field holds: numbers as editable text (blank for none),
// and default parameters as JSON text.

/** A stored number as a field's text; no value is a blank field. */
export function numberText(n: number | null | undefined): string {
  return n === null || n === undefined ? '' : String(n);
}

/** Default parameters typed as JSON: blank → null; anything but a JSON object is refused in words. */
export function parseParams(s: string): Record<string, unknown> | null {
  if (!s.trim()) return null;
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch {
    throw new Error('Default parameters must be JSON, e.g. {"temperature": 0.2}.');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new Error('Default parameters must be a JSON object.');
  return v as Record<string, unknown>;
}

/** Default parameters as a field's text: pretty JSON, or blank when there are none. */
export function paramsText(params: Record<string, unknown>): string {
  return Object.keys(params).length ? JSON.stringify(params, null, 2) : '';
}
