// Small edits on a parsed config.yaml (the `yaml` package's Document) that leave everything around them as
// the user wrote it: a changed scalar keeps its quoting and comment, a new collection follows its
// neighbours' flow or block style, and a mapping emptied by an edit goes away instead of staying as `{}`.
import { isCollection, isMap, isScalar, isSeq, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { GatewayError } from '../errors.ts';
import { formatPath } from './validate-config.ts';

export type YamlPath = (string | number)[];

function notPlain(path: YamlPath, what: string): GatewayError {
  // Anchors, aliases (`*defaults`) and merge keys are shared between entries: editing one from the app
  // would change the others behind the user's back.
  return new GatewayError(
    409,
    'invalid_request',
    `${formatPath(path)} in config.yaml is not a plain ${what} (a YAML anchor or alias?), so the app ` +
      'cannot change it safely: edit that part of the file by hand',
    { param: formatPath(path) },
  );
}

function absent(node: unknown): boolean {
  return node === undefined || node === null || (isScalar(node) && node.value === null);
}

export function mapAt(doc: Document, path: YamlPath): YAMLMap | undefined;
export function mapAt(doc: Document, path: YamlPath, create: true): YAMLMap;
export function mapAt(doc: Document, path: YamlPath, create = false): YAMLMap | undefined {
  const node = doc.getIn(path, true);
  if (absent(node)) {
    if (!create) return undefined;
    const made = doc.createNode({}) as YAMLMap;
    doc.setIn(path, made);
    return made;
  }
  if (isMap(node)) return node;
  throw notPlain(path, 'mapping');
}

export function seqAt(doc: Document, path: YamlPath): YAMLSeq | undefined;
export function seqAt(doc: Document, path: YamlPath, create: true): YAMLSeq;
export function seqAt(doc: Document, path: YamlPath, create = false): YAMLSeq | undefined {
  const node = doc.getIn(path, true);
  if (absent(node)) {
    if (!create) return undefined;
    const made = doc.createNode([]) as YAMLSeq;
    doc.setIn(path, made);
    return made;
  }
  if (isSeq(node)) return node;
  throw notPlain(path, 'list');
}

/** Sets `key` (undefined deletes it). A scalar of the same type is changed in place, keeping its comment. */
export function setKey(doc: Document, map: YAMLMap, key: string, value: unknown): void {
  if (value === undefined) {
    map.delete(key);
    return;
  }
  const existing = map.get(key, true);
  if (
    isScalar(existing) &&
    typeof existing.value === typeof value &&
    (value === null || typeof value !== 'object')
  ) {
    existing.value = value;
    return;
  }
  const node = doc.createNode(value);
  // Inside a flow mapping (`{ model: x, api_key: y }`) a nested value must be written flow-style too.
  if (map.flow && isCollection(node)) node.flow = true;
  map.set(key, node);
}

/** Deletes the mapping at `path` when an edit left it empty. */
export function dropIfEmpty(doc: Document, path: YamlPath): void {
  const node = doc.getIn(path, true);
  if (isCollection(node) && node.items.length === 0) doc.deleteIn(path);
}
