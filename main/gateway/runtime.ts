// Everything a request needs, held in one place the routes close over. The config is swapped whole on
// reload, and each request takes its snapshot once, so an edit never changes a request mid-flight.
import type { Dispatcher } from 'undici';
import type { BudgetBook } from './budget/budget-book.ts';
import type { RateLimiter } from './budget/rate-limiter.ts';
import type { LoadedConfig } from './config/load-config.ts';
import type { EventBus } from './events.ts';
import type { KeyService } from './keys/key-service.ts';
import type { DeploymentHealth } from './routing/deployment-health.ts';
import type { Logger } from './logger.ts';
import type { ProviderRegistry } from './providers/registry.ts';
import type { RequestLogRepo } from './store/request-log-repo.ts';

export class GatewayRuntime {
  #loaded: LoadedConfig;
  readonly registry: ProviderRegistry;
  readonly requestLog: RequestLogRepo;
  readonly log: Logger;
  readonly dispatcher: Dispatcher | undefined;
  readonly keys: KeyService;
  readonly book: BudgetBook;
  readonly limiter: RateLimiter;
  readonly events: EventBus;
  readonly clock: () => number;
  readonly health: DeploymentHealth;
  readonly #inflight = new Set<Promise<unknown>>();
  #started = 0;

  constructor(opts: {
    loaded: LoadedConfig;
    registry: ProviderRegistry;
    requestLog: RequestLogRepo;
    log: Logger;
    dispatcher?: Dispatcher | undefined;
    keys: KeyService;
    book: BudgetBook;
    limiter: RateLimiter;
    events: EventBus;
    clock: () => number;
    health: DeploymentHealth;
  }) {
    this.#loaded = opts.loaded;
    this.registry = opts.registry;
    this.requestLog = opts.requestLog;
    this.log = opts.log;
    this.dispatcher = opts.dispatcher;
    this.keys = opts.keys;
    this.book = opts.book;
    this.limiter = opts.limiter;
    this.events = opts.events;
    this.clock = opts.clock;
    this.health = opts.health;
  }

  get loaded(): LoadedConfig {
    return this.#loaded;
  }

  swap(next: LoadedConfig): void {
    this.#loaded = next;
  }

  /** Keeps a request's work visible to shutdown, which waits for it before closing the database. */
  track<T>(work: Promise<T>): Promise<T> {
    this.#started++;
    this.#inflight.add(work);
    const done = () => this.#inflight.delete(work);
    work.then(done, done);
    return work;
  }

  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = new Promise<false>((r) => setTimeout(() => r(false), timeoutMs).unref());
    const all = Promise.allSettled([...this.#inflight]).then(() => true);
    return Promise.race([all, deadline]);
  }

  get inflightCount(): number {
    return this.#inflight.size;
  }

  /** Requests tracked since start: whether any ran between two looks (see memory-reclaim.ts). */
  get startedCount(): number {
    return this.#started;
  }
}
