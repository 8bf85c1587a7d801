import { Injectable } from '@nestjs/common';
import { SessionManager } from '../session-manager';
import { ChannelOwners } from './channel-owners';
import { WorkerCalls } from './worker-calls';

/**
 * The methods of a port that can go to another worker: those that take the channel id first and answer a
 * promise. The rest (a fresh message id, an in-memory lookup) stay local by nature.
 */
export type RoutableMethods<P> = {
  [K in keyof P as P[K] extends (channelId: string, ...args: never[]) => Promise<unknown> ? K : never]: true;
};

type AnyMethod = (...args: unknown[]) => Promise<unknown>;

/**
 * Nest runs the lifecycle hooks of every provider instance: the implementation is a provider of its own, so
 * its routed face must not show them again (they would run twice).
 */
const LIFECYCLE_HOOKS: ReadonlySet<string | symbol> = new Set([
  'onModuleInit',
  'onApplicationBootstrap',
  'onModuleDestroy',
  'beforeApplicationShutdown',
  'onApplicationShutdown',
]);

/**
 * Wraps each capability port so that a call reaches the process holding the channel's socket. With the socket
 * open here, the local implementation runs directly (no Redis on that path: a single process keeps its speed);
 * otherwise the channel's lease names its owner and the call goes there through WorkerCalls, whose answer,
 * or error, comes back as if raised here. Without an owner elsewhere the local implementation still runs, and
 * answers `channel_unavailable` as it always did.
 */
@Injectable()
export class CallRouter {
  constructor(
    private readonly sessions: SessionManager,
    private readonly owners: ChannelOwners,
    private readonly calls: WorkerCalls,
  ) {}

  /**
   * The routed face of `local` under the name `port`. `methods` names every routable method (the type makes it
   * complete, so a method added to a port cannot be forgotten); the owner runs only those for others.
   */
  route<P extends object>(port: string, local: P, methods: RoutableMethods<P>): P {
    const routed = new Set(Object.keys(methods));
    this.calls.serve(port, routed, local);
    const wrappers = new Map<string, AnyMethod>();
    return new Proxy(local, {
      get: (target, key) => {
        if (LIFECYCLE_HOOKS.has(key)) return undefined;
        const value: unknown = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        if (typeof key !== 'string' || !routed.has(key)) return (value as AnyMethod).bind(target);
        let wrapper = wrappers.get(key);
        if (!wrapper) {
          const method = (value as AnyMethod).bind(target);
          wrapper = (...args: unknown[]) => this.invoke(port, key, method, args);
          wrappers.set(key, wrapper);
        }
        return wrapper;
      },
    });
  }

  private async invoke(port: string, method: string, local: AnyMethod, args: unknown[]): Promise<unknown> {
    const channelId = args[0] as string;
    if (this.sessions.isOpen(channelId)) return local(...args);
    const owner = await this.owners.remoteOwnerOf(channelId);
    if (!owner) return local(...args);
    return this.calls.call(owner, port, method, args);
  }
}
