// Budget alerts to a webhook, when general_settings.alert_webhook_url is set. Fire and forget: a slow or
// failing webhook never delays a request.
import { request } from 'undici';
import type { EventBus } from './events.ts';
import type { Logger } from './logger.ts';

export function forwardEventsToWebhook(
  events: EventBus,
  url: () => string | undefined,
  log: Logger,
): () => void {
  return events.on((event) => {
    const target = url();
    if (!target) return;
    request(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'switchyard' },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(5_000),
    })
      .then((res) => {
        void res.body.dump();
        if (res.statusCode >= 400) log.warn(`alert webhook answered ${res.statusCode}`);
      })
      .catch((err: unknown) => log.warn(`alert webhook failed: ${(err as Error).message}`));
  });
}
