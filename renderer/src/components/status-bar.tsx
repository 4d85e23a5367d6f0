// A strip above every page for what needs attention now: a paused gateway, cooling deployments, keys
// over budget, or no master key.
import type { ReactNode } from 'react';
import { useAction, useAdmin, useClient } from '../api/use-admin.ts';
import { ErrorNotice } from './notice.tsx';

export function StatusBar({ openMode }: { openMode: boolean }) {
  const client = useClient();
  const status = useAdmin('gateway.status', {}, { refreshMs: 10_000 });
  const resume = useAction(async () => {
    await client.call('gateway.resume', {});
    await status.reload();
  });
  const s = status.data;
  const items: ReactNode[] = [];
  if (s?.paused)
    items.push(
      <div key="paused" className="notice notice-warn">
        <strong>The gateway is paused:</strong> every model request gets “service unavailable”.
        <button
          type="button"
          className="button button-small"
          disabled={resume.busy}
          onClick={() => void resume.run()}
        >
          Resume
        </button>
      </div>,
    );
  if (s && s.deployments_cooling > 0)
    items.push(
      <div key="cooling" className="notice notice-info">
        {s.deployments_cooling} deployment{s.deployments_cooling === 1 ? ' is' : 's are'} cooling down after
        failures; see Models.
      </div>,
    );
  if (s && s.keys_over_budget > 0)
    items.push(
      <div key="budget" className="notice notice-info">
        {s.keys_over_budget} app key{s.keys_over_budget === 1 ? ' has' : 's have'} used up its budget; see
        Apps &amp; keys.
      </div>,
    );
  if (openMode)
    items.push(
      <div key="open" className="notice notice-info">
        No master key is set: any program on this machine can use the gateway and this window. Set one in
        Settings.
      </div>,
    );
  if (!items.length && !resume.error) return null;
  return (
    <div className="status-bar">
      {items}
      <ErrorNotice error={resume.error} />
    </div>
  );
}
