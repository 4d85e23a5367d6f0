// Pages live in the URL's hash (#/keys), so the same build works from a file in the desktop app and at
// /ui in a browser, with back and forward buttons.
export const PAGES = [
  { id: 'overview', title: 'Overview' },
  { id: 'keys', title: 'Apps & keys' },
  { id: 'models', title: 'Models' },
  { id: 'providers', title: 'Providers' },
  { id: 'logs', title: 'Logs' },
  { id: 'settings', title: 'Settings' },
] as const;

export type PageId = (typeof PAGES)[number]['id'];

export interface Route {
  page: PageId;
  params: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const page = PAGES.find((p) => p.id === path)?.id ?? 'overview';
  return { page, params: new URLSearchParams(query) };
}

export function navigate(page: PageId, params?: Record<string, string>): void {
  const q = params ? new URLSearchParams(params).toString() : '';
  location.hash = `#/${page}${q ? `?${q}` : ''}`;
}
