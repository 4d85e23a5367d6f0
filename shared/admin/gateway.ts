// The gateway as a whole: where it listens, whether it serves, and what needs attention (the tray's state).
import { z } from 'zod';

export const gatewayStatusSchema = z.object({
  /** While paused, every proxied request gets 503 `gateway_paused`; admin, health and /v1/models still answer. */
  paused: z.boolean(),
  url: z.string(),
  host: z.string(),
  port: z.number(),
  version: z.string(),
  config_path: z.string(),
  data_dir: z.string(),
  /** Epoch ms. */
  started_at: z.number(),
  keys_over_budget: z.number(),
  deployments_cooling: z.number(),
});

export type GatewayStatus = z.infer<typeof gatewayStatusSchema>;

export const gatewayOperations = {
  'gateway.status': { input: z.object({}), output: gatewayStatusSchema },
  'gateway.pause': { input: z.object({}), output: gatewayStatusSchema },
  'gateway.resume': { input: z.object({}), output: gatewayStatusSchema },
} as const;
