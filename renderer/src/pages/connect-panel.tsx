// "Connect": ready-to-paste settings for each tool, filled with this gateway's URL, the app's key and the
// aliases it may use.
import { useState } from 'react';
import { CodeBlock } from '../components/copy-button.tsx';
import { connectTools } from '../connect/snippets.ts';

export function ConnectPanel({
  baseUrl,
  apiKey,
  aliases,
}: {
  baseUrl: string;
  apiKey?: string | undefined;
  aliases: string[];
}) {
  const tools = connectTools({ baseUrl, apiKey, aliases });
  const [active, setActive] = useState(tools[0]!.id);
  const tool = tools.find((t) => t.id === active) ?? tools[0]!;
  return (
    <div className="connect">
      <div className="tabs" role="tablist" aria-label="Tools">
        {tools.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={t.id === tool.id}
            className={`tab ${t.id === tool.id ? 'tab-active' : ''}`}
            onClick={() => setActive(t.id)}
          >
            {t.name}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={tool.name} data-testid={`connect-${tool.id}`}>
        <p className="muted">{tool.how}</p>
        {tool.blocks.map((b) => (
          <CodeBlock key={b.label} label={b.label} code={b.code} />
        ))}
      </div>
    </div>
  );
}
