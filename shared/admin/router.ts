// The router's view of each deployment, for the UI's Models page and the tray's "provider down" state.
import { z } from 'zod';

export const deploymentHealthSchema = z.object({
  id: z.string(),
  alias: z.string(),
  model: z.string(),
  cooling_until: z.string().nullable(),
  recent_failures: z.number(),
  inflight: z.number(),
  latency_ms: z.number().nullable(),
  last_error: z.string().nullable(),
});

export const routerHealthOutput = z.array(deploymentHealthSchema);

export const routerOperations = {
  'router.health': { input: z.object({}), output: routerHealthOutput },
} as const;
