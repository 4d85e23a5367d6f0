import type { keyOperations } from '../../../shared/admin/keys.ts';
import type { AdminDeps, HandlersFor } from './handler-types.ts';

export function keyHandlers({ runtime }: AdminDeps): HandlersFor<typeof keyOperations> {
  const keys = runtime.keys;
  return {
    'key.generate': (input) => keys.generate(input),
    'key.update': ({ key, ...settings }) => keys.update(key, settings),
    'key.delete': (input) => ({
      deleted_keys: keys.delete([...(input.keys ?? []), ...(input.key_aliases ?? [])]),
    }),
    'key.info': ({ key }) => keys.info(key),
    'key.list': (input) => keys.list(input),
    'key.regenerate': ({ key, new_key }) => keys.regenerate(key, new_key),
    'key.block': ({ key }) => keys.setBlocked(key, true),
    'key.unblock': ({ key }) => keys.setBlocked(key, false),
  };
}
