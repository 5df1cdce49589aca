import { LRUCache } from 'lru-cache';
import type { DataSource } from 'typeorm';
import type { People } from '../../application/identity/people.port.js';
import type { Principal } from '../../application/identity/principal.js';

/**
 * Display names of the people who use Tandem, as their tokens name them (`name` claim), kept in
 * `people` so the consoles can show who a CSR is (sessions keep ids only). Written when a token
 * with a new or changed name is first verified; read through a cache of the 50,000 most recently
 * used (lru-cache), where '' means known to have no name.
 */
export class PeopleDirectory implements People {
  private readonly cache = new LRUCache<string, string>({ max: 50_000 });

  constructor(private readonly dataSource: DataSource) {}

  /** Remembers `principal.name` (no-op without one, or when it is already known). */
  remember(principal: Principal): void {
    const name = principal.name?.trim();
    if (!name || this.cache.get(principal.userId) === name) return;
    this.remember1(principal.userId, name);
  }

  /** The display name of each of `userIds` that has one. */
  async names(userIds: readonly string[]): Promise<Map<string, string>> {
    const missing = userIds.filter((id) => !this.cache.has(id));
    if (missing.length > 0) {
      const rows = (await this.dataSource.query('SELECT user_id, display_name FROM people WHERE user_id = ANY($1)', [missing])) as { user_id: string; display_name: string }[];
      const found = new Map(rows.map((r) => [r.user_id, r.display_name]));
      for (const id of missing) this.cache.set(id, found.get(id) ?? '');
    }
    const out = new Map<string, string>();
    for (const id of userIds) {
      const name = this.cache.get(id);
      if (name) out.set(id, name);
    }
    return out;
  }

  private remember1(userId: string, name: string) {
    this.cache.set(userId, name);
    this.dataSource
      .query(
        `INSERT INTO people (user_id, display_name) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET display_name = EXCLUDED.display_name, updated_at = now() WHERE people.display_name <> EXCLUDED.display_name`,
        [userId, name.slice(0, 200)],
      )
      .catch(() => this.cache.delete(userId)); // tried again with the next token
  }
}
