// The one question the browser window asks: the master key, kept for this browser session only.
import { useState, type FormEvent } from 'react';

export function LoginPage({
  problem,
  onLogin,
}: {
  problem?: string | undefined;
  onLogin: (key: string) => Promise<string | undefined>;
}) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(await onLogin(key));
    setBusy(false);
  };
  return (
    <main className="login">
      <form className="card login-card" onSubmit={(e) => void submit(e)}>
        <h1>Switchyard</h1>
        <p>Enter the gateway’s master key to manage it. It is kept only until this browser tab closes.</p>
        {(error ?? problem) && (
          <div className="notice notice-error" role="alert">
            {error ?? problem}
          </div>
        )}
        <label className="field">
          <span className="field-label">Master key</span>
          <input
            type="password"
            name="master_key"
            autoComplete="current-password"
            autoFocus
            value={key}
            onChange={(e) => setKey(e.target.value)}
          />
        </label>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Checking…' : 'Open'}
        </button>
      </form>
    </main>
  );
}
