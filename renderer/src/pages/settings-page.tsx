// Settings: where the gateway listens, start at login (desktop only), the master key, pausing, and the
// config file as a whole (export, import a LiteLLM config.yaml).
import { useEffect, useState } from 'react';
import type { AdminOutput } from '../../../shared/admin/contract.ts';
import { useAction, useAdmin, useClient } from '../api/use-admin.ts';
import { sessionKey } from '../api/session-key.ts';
import { CodeBlock, CopyButton } from '../components/copy-button.tsx';
import { ConfirmDialog } from '../components/dialog.tsx';
import { Field, NumberField, TextField } from '../components/field.tsx';
import { ErrorNotice, Loading, Notice } from '../components/notice.tsx';
import { Card, PageHeader } from '../components/page-header.tsx';
import { Facts } from '../components/table.tsx';
import { dateTime } from '../format.ts';

function ListenCard() {
  const client = useClient();
  const settings = useAdmin('settings.get', {});
  const [host, setHost] = useState('');
  const [port, setPort] = useState('');
  useEffect(() => {
    if (settings.data) {
      setHost(settings.data.host);
      setPort(String(settings.data.port));
    }
  }, [settings.data]);
  const [saved, setSaved] = useState<AdminOutput<'settings.update'>>();
  const save = useAction(async () => {
    const p = Number(port);
    if (!Number.isInteger(p) || p < 1 || p > 65535)
      throw new Error('The port must be a whole number from 1 to 65535.');
    setSaved(await client.call('settings.update', { host: host.trim(), port: p }));
  });
  const login = useAction(async (on: boolean) => {
    await client.call('settings.update', { start_at_login: on });
    await settings.reload();
  });
  if (settings.loading)
    return (
      <Card title="Where Switchyard listens">
        <Loading />
      </Card>
    );
  if (!settings.data)
    return (
      <Card title="Where Switchyard listens">
        <ErrorNotice error={settings.error} onRetry={() => void settings.reload()} />
      </Card>
    );
  return (
    <Card title="Where Switchyard listens">
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void save.run();
        }}
      >
        <TextField
          label="Host"
          hint="127.0.0.1 keeps it on this machine. A LAN address needs a master key."
          name="host"
          value={host}
          onChange={setHost}
        />
        <NumberField label="Port" name="port" integer value={port} onChange={setPort} />
        <div className="field">
          <span className="field-label">&nbsp;</span>
          <button type="submit" className="button button-primary" disabled={save.busy}>
            Save
          </button>
        </div>
      </form>
      {save.error === undefined && !save.busy && (
        <p className="muted small" role="status">
          {saved === undefined
            ? 'Changes apply the next time Switchyard starts.'
            : saved.restart_required
              ? `Saved. Restart Switchyard to listen on ${saved.host}:${saved.port}.`
              : 'Saved.'}
        </p>
      )}
      <ErrorNotice error={save.error} />
      {settings.data.start_at_login !== null && (
        <label className="check">
          <input
            type="checkbox"
            checked={settings.data.start_at_login}
            disabled={login.busy}
            onChange={(e) => void login.run(e.target.checked)}
          />
          Start Switchyard when I log in
        </label>
      )}
      <ErrorNotice error={login.error} />
    </Card>
  );
}

function MasterKeyCard({ openMode }: { openMode: boolean }) {
  const client = useClient();
  const [shown, setShown] = useState<{ key: string | null; source: string }>();
  const [confirm, setConfirm] = useState(false);
  const reveal = useAction(async () => {
    const out = await client.call('master_key.reveal', {});
    setShown({ key: out.master_key, source: out.source });
  });
  const rotate = useAction(async () => {
    const out = await client.call('master_key.rotate', {});
    // This window keeps working: it logs in with the new key from now on.
    if (client.kind === 'http') sessionKey.set(out.master_key);
    setShown({ key: out.master_key, source: out.source });
    setConfirm(false);
  });
  const where: Record<string, string> = {
    config: 'written in config.yaml',
    env: 'from an environment variable',
    keychain: 'in the system keychain',
    none: 'not set',
  };
  return (
    <Card title="Master key">
      <p className="muted">
        The master key manages Switchyard (this window, key and spend APIs).{' '}
        {openMode
          ? 'None is set: anything on this machine can manage the gateway. Create one to lock it.'
          : ''}
      </p>
      {shown && (
        <div className="secret">
          {shown.key ? (
            <code data-testid="master-key">{shown.key}</code>
          ) : (
            <span className="muted">No master key is set.</span>
          )}
          {shown.key && <CopyButton text={shown.key} />}
          <span className="muted small">{where[shown.source] ?? shown.source}</span>
        </div>
      )}
      <div className="steps">
        {!openMode && (
          <button type="button" className="button" disabled={reveal.busy} onClick={() => void reveal.run()}>
            Reveal
          </button>
        )}
        <button
          type="button"
          className="button"
          onClick={() => {
            rotate.clearError();
            setConfirm(true);
          }}
        >
          {openMode ? 'Create a master key' : 'Rotate'}
        </button>
      </div>
      <ErrorNotice error={reveal.error} />
      {confirm && (
        <ConfirmDialog
          title={openMode ? 'Create a master key?' : 'Rotate the master key?'}
          confirmLabel={openMode ? 'Create' : 'Rotate'}
          danger={!openMode}
          busy={rotate.busy}
          onClose={() => setConfirm(false)}
          onConfirm={() => void rotate.run()}
        >
          <p>
            {openMode
              ? 'From now on the window and the key and spend APIs need it, and only app keys you create can send requests.'
              : 'The current master key stops working at once. Anything using it (scripts, other browser tabs) needs the new one; this window switches over by itself.'}
          </p>
          <ErrorNotice error={rotate.error} />
        </ConfirmDialog>
      )}
    </Card>
  );
}

function GatewayCard() {
  const client = useClient();
  const status = useAdmin('gateway.status', {});
  const toggle = useAction(async (pause: boolean) => {
    await client.call(pause ? 'gateway.pause' : 'gateway.resume', {});
    await status.reload();
  });
  const s = status.data;
  return (
    <Card title="Gateway">
      <ErrorNotice error={status.error} onRetry={() => void status.reload()} />
      {s && (
        <>
          <Facts
            items={[
              ['Serving at', <code>{s.url}</code>],
              ['State', s.paused ? 'paused' : 'serving'],
              ['Version', s.version],
              ['Running since', dateTime(s.started_at)],
              ['Config file', <code>{s.config_path}</code>],
              ['Data folder', <code>{s.data_dir}</code>],
            ]}
          />
          <div className="steps">
            <button
              type="button"
              className="button"
              disabled={toggle.busy}
              onClick={() => void toggle.run(!s.paused)}
            >
              {s.paused ? 'Resume' : 'Pause all model requests'}
            </button>
          </div>
        </>
      )}
      <ErrorNotice error={toggle.error} />
    </Card>
  );
}

function ConfigCard() {
  const client = useClient();
  const [exported, setExported] = useState<{ yaml: string; path: string; warnings: string[] }>();
  const [text, setText] = useState('');
  const [confirm, setConfirm] = useState(false);
  const [imported, setImported] = useState<{ warnings: string[]; backup_path: string | null }>();
  const doExport = useAction(async () => setExported(await client.call('config.export', {})));
  const doImport = useAction(async () => {
    setImported(await client.call('config.import', { yaml: text }));
    setConfirm(false);
    setText('');
  });
  const download = () => {
    if (!exported) return;
    const url = URL.createObjectURL(new Blob([exported.yaml], { type: 'application/yaml' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'config.yaml';
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <Card title="Configuration file">
      <p className="muted">
        Switchyard reads LiteLLM’s config.yaml. Export yours, or bring one from LiteLLM.
      </p>
      <div className="steps">
        <button type="button" className="button" disabled={doExport.busy} onClick={() => void doExport.run()}>
          Export
        </button>
        {exported && (
          <button type="button" className="button" onClick={download}>
            Download config.yaml
          </button>
        )}
      </div>
      <ErrorNotice error={doExport.error} />
      {exported && (
        <>
          {exported.warnings.map((w) => (
            <Notice key={w} tone="warn">
              {w}
            </Notice>
          ))}
          <CodeBlock label={exported.path} code={exported.yaml} />
        </>
      )}
      <h3>Import a LiteLLM config.yaml</h3>
      <div className="form-grid">
        <Field label="File" wide>
          <input
            type="file"
            accept=".yaml,.yml,text/yaml"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (file) setText(await file.text());
            }}
          />
        </Field>
        <Field label="Or paste it" wide>
          <textarea
            name="import_yaml"
            value={text}
            onChange={(e) => setText(e.target.value)}
            spellCheck={false}
            placeholder={'model_list:\n  - model_name: …'}
          />
        </Field>
      </div>
      <div className="steps">
        <button
          type="button"
          className="button button-primary"
          disabled={!text.trim()}
          onClick={() => {
            doImport.clearError();
            setConfirm(true);
          }}
        >
          Import…
        </button>
      </div>
      {imported && (
        <Notice tone="ok">
          Imported. {imported.backup_path ? `The previous file was kept as ${imported.backup_path}.` : ''}
          {imported.warnings.length > 0 && ` Warnings: ${imported.warnings.join('; ')}`}
        </Notice>
      )}
      {confirm && (
        <ConfirmDialog
          title="Replace the configuration?"
          confirmLabel="Import"
          busy={doImport.busy}
          onClose={() => setConfirm(false)}
          onConfirm={() => void doImport.run()}
        >
          <p>
            Models, fallbacks and routing are replaced by the imported file. The current file is kept as a
            backup.
          </p>
          <ErrorNotice error={doImport.error} />
        </ConfirmDialog>
      )}
    </Card>
  );
}

export function SettingsPage({ openMode }: { openMode: boolean }) {
  return (
    <>
      <PageHeader title="Settings" />
      <GatewayCard />
      <ListenCard />
      <MasterKeyCard openMode={openMode} />
      <ConfigCard />
    </>
  );
}
