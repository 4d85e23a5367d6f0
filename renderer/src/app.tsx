// The window: a sidebar of pages, the page, and the login in front of it when the master key is needed.
import { useEffect, useState } from 'react';
import { ClientContext } from './api/use-admin.ts';
import { useSession } from './api/use-session.ts';
import { ErrorNotice, Loading } from './components/notice.tsx';
import { StatusBar } from './components/status-bar.tsx';
import { KeysPage } from './pages/keys-page.tsx';
import { LoginPage } from './pages/login-page.tsx';
import { LogsPage } from './pages/logs-page.tsx';
import { ModelsPage } from './pages/models-page.tsx';
import { OverviewPage } from './pages/overview-page.tsx';
import { ProvidersPage } from './pages/providers-page.tsx';
import { SettingsPage } from './pages/settings-page.tsx';
import { PAGES, parseRoute, type PageId } from './routes.ts';

function useRoute() {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return route;
}

function Page({ page, params, openMode }: { page: PageId; params: URLSearchParams; openMode: boolean }) {
  switch (page) {
    case 'overview':
      return <OverviewPage />;
    case 'keys':
      return <KeysPage focusKey={params.get('key') ?? undefined} />;
    case 'models':
      return <ModelsPage />;
    case 'providers':
      return <ProvidersPage />;
    case 'logs':
      return <LogsPage />;
    case 'settings':
      return <SettingsPage openMode={openMode} />;
  }
}

export function App() {
  const session = useSession();
  const route = useRoute();
  const { state } = session;

  useEffect(() => {
    const title = PAGES.find((p) => p.id === route.page)?.title;
    document.title = title ? `${title} · Switchyard` : 'Switchyard';
  }, [route.page]);

  if (state.phase === 'checking')
    return (
      <main className="center">
        <Loading what="Connecting to Switchyard" />
      </main>
    );
  if (state.phase === 'login') return <LoginPage problem={state.problem} onLogin={session.login} />;
  if (state.phase === 'unreachable')
    return (
      <main className="center">
        <ErrorNotice error={state.error} onRetry={session.retry} />
      </main>
    );
  return (
    <ClientContext.Provider value={session.client}>
      <div className="shell">
        <nav className="sidebar" aria-label="Pages">
          <div className="brand">Switchyard</div>
          <ul>
            {PAGES.map((p) => (
              <li key={p.id}>
                <a
                  href={`#/${p.id}`}
                  className={p.id === route.page ? 'active' : ''}
                  aria-current={p.id === route.page ? 'page' : undefined}
                >
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
          <div className="sidebar-foot">
            {session.client.kind === 'http' && !state.openMode && (
              <button type="button" className="link" onClick={session.logout}>
                Lock
              </button>
            )}
          </div>
        </nav>
        <main className="content">
          <StatusBar openMode={state.openMode} />
          <Page page={route.page} params={route.params} openMode={state.openMode} />
        </main>
      </div>
    </ClientContext.Provider>
  );
}
