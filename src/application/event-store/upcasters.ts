/**
 * Events are a stored contract: their shape changes only through a new schema version and an
 * upcaster that lifts the old shape on read. Register one upcaster per (type, fromVersion).
 */
export interface Upcaster {
  readonly type: string;
  /** Lifts data written in `fromVersion` to `fromVersion + 1`. */
  readonly fromVersion: number;
  up(data: unknown, metadata: Readonly<Record<string, unknown>>): unknown;
}

export class UpcasterRegistry {
  private readonly byType = new Map<string, Map<number, Upcaster>>();

  constructor(upcasters: readonly Upcaster[] = []) {
    for (const upcaster of upcasters) this.register(upcaster);
  }

  register(upcaster: Upcaster): this {
    const chain = this.byType.get(upcaster.type) ?? new Map<number, Upcaster>();
    if (chain.has(upcaster.fromVersion)) throw new Error(`two upcasters for ${upcaster.type} v${upcaster.fromVersion}`);
    chain.set(upcaster.fromVersion, upcaster);
    this.byType.set(upcaster.type, chain);
    return this;
  }

  /** The version new events of this type are written in. */
  currentVersion(type: string): number {
    const chain = this.byType.get(type);
    return chain ? Math.max(...chain.keys()) + 1 : 1;
  }

  upcast(type: string, schemaVersion: number, data: unknown, metadata: Readonly<Record<string, unknown>>): { data: unknown; schemaVersion: number } {
    const chain = this.byType.get(type);
    let version = schemaVersion;
    let current = data;
    for (let next = chain?.get(version); next; next = chain?.get(version)) {
      current = next.up(current, metadata);
      version += 1;
    }
    return { data: current, schemaVersion: version };
  }
}
