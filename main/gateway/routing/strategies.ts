// The order in which an alias's deployments are tried, by LiteLLM's routing_strategy names.
import type { RoutingStrategy } from '../config/gateway-config.ts';
import type { DeploymentHealth } from './deployment-health.ts';
import type { Candidate } from './resolve-alias.ts';

/** simple-shuffle's share: `weight`, else `rpm`, else `tpm`, else equal. */
function share(c: Candidate): number {
  const d = c.deployment;
  return d.weight ?? d.rpm ?? d.tpm ?? 1;
}

/** A weighted random permutation: each pick is proportional to its share among those left. */
function weightedShuffle(list: Candidate[], random: () => number): Candidate[] {
  const left = [...list];
  const out: Candidate[] = [];
  while (left.length > 0) {
    const total = left.reduce((s, c) => s + share(c), 0);
    let r = random() * total;
    let i = 0;
    for (; i < left.length - 1; i++) {
      r -= share(left[i]!);
      if (r < 0) break;
    }
    out.push(left.splice(i, 1)[0]!);
  }
  return out;
}

const byOrder = (a: Candidate, b: Candidate) =>
  (a.deployment.order ?? Infinity) - (b.deployment.order ?? Infinity);

/**
 * `litellm_params.order` ranks deployments under every strategy, as LiteLLM's router does (it keeps only
 * the lowest order before the strategy picks): the strategy orders each rank, lower ranks go first, and
 * deployments without an order come last. Without any order set, the strategy alone decides.
 */
export function orderCandidates(
  strategy: RoutingStrategy,
  group: Candidate[],
  health: DeploymentHealth,
  random: () => number = Math.random,
): Candidate[] {
  if (group.length < 2) return group;
  const ordered = byStrategy(strategy, group, health, random);
  // Array.prototype.sort is stable: the strategy's order survives within each rank.
  return group.some((c) => c.deployment.order !== undefined) ? [...ordered].sort(byOrder) : ordered;
}

function byStrategy(
  strategy: RoutingStrategy,
  group: Candidate[],
  health: DeploymentHealth,
  random: () => number,
): Candidate[] {
  switch (strategy) {
    case 'order':
      return [...group].sort(byOrder);
    case 'least-busy':
      return weightedShuffle(group, random).sort(
        (a, b) => health.inflight(a.deployment.id) - health.inflight(b.deployment.id),
      );
    case 'latency-based-routing':
      // Unmeasured deployments first, so each gets a latency sample.
      return weightedShuffle(group, random).sort(
        (a, b) => (health.latency(a.deployment.id) ?? -1) - (health.latency(b.deployment.id) ?? -1),
      );
    default:
      return weightedShuffle(group, random);
  }
}
