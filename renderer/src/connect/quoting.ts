// Literals for the languages the Connect snippets are written in, so an alias or key with unusual
// characters still pastes as valid config.

const YAML_PLAIN = /^[A-Za-z_][A-Za-z0-9_./:@+-]*$/;
// Words YAML 1.1 readers (Continue uses one) turn into booleans or null.
const YAML_RESERVED = /^(true|false|yes|no|on|off|y|n|null|~)$/i;

export function yamlString(s: string): string {
  return YAML_PLAIN.test(s) && !YAML_RESERVED.test(s) && !s.includes(': ') ? s : JSON.stringify(s);
}

const SHELL_PLAIN = /^[A-Za-z0-9_./:@%+=,-]+$/;

/** A POSIX shell word: bare when safe, else single-quoted. */
export function shellWord(s: string): string {
  return SHELL_PLAIN.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/** A JavaScript string literal in single quotes, as the project's own code is written. */
export function jsString(s: string): string {
  return `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n')}'`;
}

/** A Python string literal; JSON's escapes are all valid Python escapes. */
export function pyString(s: string): string {
  return JSON.stringify(s);
}
