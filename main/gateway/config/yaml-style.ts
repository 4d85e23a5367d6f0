// Writing an edited config back in the user's own layout: the `yaml` Document keeps comments, key order,
// quoting and flow/block style; these options keep the indentation the file already uses.
import { visit, type Document, type ToStringOptions, type YAMLMap, type YAMLSeq } from 'yaml';

/** The indent width and whether block sequences are indented under their key, as the text has them. */
export function styleOf(text: string): Pick<ToStringOptions, 'indent' | 'indentSeq'> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  let indent: number | undefined;
  let indentSeq: boolean | undefined;
  for (let i = 0; i + 1 < lines.length; i++) {
    const key = /^( *)[^\s#-][^#]*:\s*(#.*)?$/.exec(lines[i]!);
    if (!key) continue;
    const child = /^( *)(- )?/.exec(lines[i + 1]!)!;
    const depth = child[1]!.length - key[1]!.length;
    if (child[2]) indentSeq ??= depth > 0;
    else if (depth > 0) indent ??= depth;
    if (indent !== undefined && indentSeq !== undefined) break;
  }
  return { indent: indent ?? 2, indentSeq: indentSeq ?? true };
}

type FlowNode = YAMLMap | YAMLSeq;

/**
 * `{ a: b }` vs `{a: b}`: yaml has one flowCollectionPadding for the whole document, but files written by
 * hand (or by Prettier: `{ smart: [fast] }`) mix them. Each flow collection read from the file keeps its
 * own; a new one follows the file's habit for its kind. The padding reaches a collection only through the
 * context its toString() is called with, hence the per-node override (yaml calls node.toString(ctx) for
 * collections without a stringify tag, which is all of the core schema's).
 */
function keepFlowPadding(doc: Document, original: string): void {
  const own = (n: FlowNode) => (n.range && n.items.length > 0 ? original[n.range[0] + 1] === ' ' : undefined);
  const votes = { map: [0, 0], seq: [0, 0] };
  const flows: [FlowNode, 'map' | 'seq'][] = [];
  const note = (n: FlowNode, kind: 'map' | 'seq') => {
    if (!n.flow) return;
    flows.push([n, kind]);
    const padded = own(n);
    if (padded !== undefined) votes[kind][padded ? 0 : 1]!++;
  };
  visit(doc, { Map: (_, n) => note(n, 'map'), Seq: (_, n) => note(n, 'seq') });
  const habit = { map: votes.map[0]! >= votes.map[1]!, seq: votes.seq[0]! > votes.seq[1]! };
  for (const [n, kind] of flows) {
    const pad = (own(n) ?? habit[kind]) ? ' ' : '';
    const toString = n.toString.bind(n) as (ctx?: object, ...rest: unknown[]) => string;
    Object.defineProperty(n, 'toString', {
      configurable: true,
      value: (ctx?: object, ...rest: unknown[]) =>
        toString(ctx && { ...ctx, flowCollectionPadding: pad }, ...rest),
    });
  }
}

/** The document as text, laid out like `original` (indentation, line endings); long lines are never folded. */
export function stringifyLike(doc: Document, original: string): string {
  keepFlowPadding(doc, original);
  const out = doc.toString({ ...styleOf(original), lineWidth: 0 });
  return original.includes('\r\n') ? out.replace(/\r?\n/g, '\r\n') : out;
}
