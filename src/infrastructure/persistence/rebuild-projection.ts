import { DataSource } from 'typeorm';
import type { EventStore } from '../../application/event-store/event-store.port.js';
import type { Projection } from '../projections/projection.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { csrActivityProjection } from './projections/csr-activity.projection.js';
import { queueViewProjection } from './projections/queue-view.projection.js';
import { sessionViewProjection } from './projections/session-view.projection.js';
import { READ_MODEL_ENTITIES } from './read-model-entities.js';
import { invitationViewProjection } from '../mail/pg-invitations.js';

/** The projections that can be rebuilt, with the tables each one writes. */
export const REBUILDABLE: Readonly<Record<string, { projection: Projection; tables: readonly string[] }>> = {
  session_view: { projection: sessionViewProjection, tables: ['session_view', 'session_queues'] },
  queue_view: { projection: queueViewProjection, tables: ['queue_view', 'queue_items', 'queue_offers', 'queue_skill_counts', 'queue_outcomes', 'report_offers'] },
  report_sessions: { projection: csrActivityProjection, tables: ['report_sessions'] },
  invitation_view: { projection: invitationViewProjection, tables: ['invitation_view'] },
};

const SHADOW = 'tandem_rebuild';
const RETIRED = 'tandem_retired';

export interface RebuildProgress {
  readonly phase: 'building' | 'swapping' | 'done';
  readonly events: number;
  readonly total: number;
}

/**
 * Rebuilds a projection from the event stream without downtime: the new version is built beside
 * the old (shadow tables in their own schema, found first on the rebuild connection's
 * search_path), then swapped in when it has caught up. The swap holds the live checkpoint row, so
 * no live batch commits meanwhile; the live runner finds the checkpoint moved at its next batch
 * and follows on from the swapped-in one.
 */
export async function rebuildProjection(
  databaseUrl: string,
  store: EventStore,
  name: string,
  onProgress: (progress: RebuildProgress) => void = () => undefined,
): Promise<{ events: number; checkpoint: string }> {
  const spec = Object.hasOwn(REBUILDABLE, name) ? REBUILDABLE[name] : undefined;
  if (!spec) throw new Error(`unknown projection ${name}; one of ${Object.keys(REBUILDABLE).join(', ')}`);
  const live = await new DataSource({ type: 'postgres', url: databaseUrl, entities: READ_MODEL_ENTITIES }).initialize();
  const shadow = await new DataSource({
    type: 'postgres',
    url: databaseUrl,
    entities: READ_MODEL_ENTITIES,
    extra: { options: `-c search_path=${SHADOW},public`, max: 4 },
  }).initialize();
  try {
    const [{ total }] = (await live.query('SELECT count(*)::int AS total FROM es_events')) as { total: number }[];
    await live.query(`DROP SCHEMA IF EXISTS ${SHADOW} CASCADE`);
    await live.query(`CREATE SCHEMA ${SHADOW}`);
    for (const table of [...spec.tables, 'projection_checkpoints']) await live.query(`CREATE TABLE ${SHADOW}.${table} (LIKE public.${table} INCLUDING ALL)`);

    // Build beside the live version.
    let events = 0;
    const runner = new ProjectionRunner(
      store,
      shadow,
      [spec.projection],
      () => undefined,
      (_name, batch) => {
        events += batch.length;
        onProgress({ phase: 'building', events, total: Math.max(total, events) });
      },
    );
    await runner.start();
    await runner.caughtUp();
    await runner.stop();

    // Swap: hold the live checkpoint, finish catching up, move the tables, point the live checkpoint at the new version.
    onProgress({ phase: 'swapping', events, total: Math.max(total, events) });
    const checkpoint = await live.transaction(async (tx) => {
      await tx.query(`INSERT INTO public.projection_checkpoints (name, checkpoint) VALUES ($1, 'start') ON CONFLICT (name) DO NOTHING`, [name]);
      await tx.query('SELECT checkpoint FROM public.projection_checkpoints WHERE name = $1 FOR UPDATE', [name]);
      const last = new ProjectionRunner(store, shadow, [spec.projection]);
      await last.start();
      await last.caughtUp();
      await last.stop();
      const [{ checkpoint: built }] = (await tx.query(`SELECT checkpoint FROM ${SHADOW}.projection_checkpoints WHERE name = $1`, [name])) as { checkpoint: string }[];
      const views = (await tx.query(
        `SELECT DISTINCT v.oid::regclass::text AS name, pg_get_viewdef(v.oid) AS definition
           FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class
          WHERE d.refobjid = ANY($1::regclass[]) AND v.oid <> d.refobjid`,
        [spec.tables.map((t) => `public.${t}`)],
      )) as { name: string; definition: string }[];
      await tx.query(`CREATE SCHEMA IF NOT EXISTS ${RETIRED}`);
      for (const table of spec.tables) {
        await tx.query(`ALTER TABLE public.${table} SET SCHEMA ${RETIRED}`);
        await tx.query(`ALTER TABLE ${SHADOW}.${table} SET SCHEMA public`);
      }
      // Views are bound to tables, not names: point them at the new ones.
      for (const view of views) await tx.query(`CREATE OR REPLACE VIEW ${view.name} AS ${view.definition}`);
      await tx.query(`DROP SCHEMA ${RETIRED} CASCADE`);
      await tx.query('UPDATE public.projection_checkpoints SET checkpoint = $2, updated_at = now() WHERE name = $1', [name, built]);
      return built;
    });
    await live.query(`DROP SCHEMA IF EXISTS ${SHADOW} CASCADE`);
    onProgress({ phase: 'done', events, total: Math.max(total, events) });
    return { events, checkpoint };
  } finally {
    await shadow.destroy();
    await live.destroy();
  }
}
