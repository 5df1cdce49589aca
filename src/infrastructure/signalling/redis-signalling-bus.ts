import { Redis } from 'ioredis';
import type { RelayMessage, SignallingBus } from '../../application/signalling/signalling-bus.port.js';

/** Relays signalling frames between nodes through Redis pub/sub (no size limit to work around). */
export class RedisSignallingBus implements SignallingBus {
  private readonly pub: Redis;
  private readonly sub: Redis;
  /** One channel per database: deployments (and test databases) sharing a Redis do not hear each other. */
  private readonly channel: string;

  constructor(
    redisUrl: string,
    databaseUrl: string,
    private readonly node: string,
    private readonly log: (message: string, error?: unknown) => void,
  ) {
    let database = 'tandem';
    try {
      database = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, '')) || database;
    } catch {
      // not a URL: keep the default
    }
    this.channel = `tandem_signalling:${database}`;
    this.pub = new Redis(redisUrl, { lazyConnect: true });
    this.sub = new Redis(redisUrl, { lazyConnect: true });
    for (const r of [this.pub, this.sub]) r.on('error', (e) => this.log('signalling Redis connection error', e));
  }

  async start(deliver: (message: RelayMessage) => void): Promise<void> {
    await Promise.all([this.pub.connect(), this.sub.connect()]);
    this.sub.on('message', (channel: string, payload: string) => {
      if (channel !== this.channel) return;
      try {
        const message = JSON.parse(payload) as RelayMessage;
        if (message.node !== this.node) deliver(message);
      } catch (error) {
        this.log('could not deliver a relayed signalling frame', error);
      }
    });
    await this.sub.subscribe(this.channel);
  }

  async publish(message: RelayMessage): Promise<void> {
    await this.pub.publish(this.channel, JSON.stringify(message));
  }

  hearing(): boolean {
    // Both ways: a node that cannot publish cannot confirm either.
    return this.sub.status === 'ready' && this.pub.status === 'ready';
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.sub.quit(), this.pub.quit()]);
  }
}
