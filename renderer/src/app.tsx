// The desktop window arrives with the desktop issue; until then it says where the gateway is.
export function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 24 }}>
      <h1>Switchyard</h1>
      <p>
        The gateway runs headless with <code>npm run serve</code>; this window is not built yet.
      </p>
    </main>
  );
}
