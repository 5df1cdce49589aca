import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event log.
 *
 * Global order is (tx_id, global_position), the primary key, read only below the oldest running transaction
 * (pg_snapshot_xmin). Every transaction with an xid below that xmin has finished, and every
 * future insert gets an xid at or above it, so the rows a reader has passed can never be joined
 * by a late commit: no reader skips an event, whatever order transactions commit in.
 *
 * es_append() does a whole append in one round trip: it checks the expected version (four
 * modes), turns a retry of stored event ids into a no-op that returns the original positions,
 * and keeps each stream's versions in the same order as the global log.
 * Modes: 0 = exact version, 1 = no_stream, 2 = stream_exists, 3 = any.
 * Errors: TS409 wrong expected version (DETAIL = actual version or 'no_stream'),
 * TS422 ids partly stored, 40001 retry in a new transaction; 23505 on es_events_stream_version_key
 * when a concurrent append took the same version.
 */
export class EventStore1763700000000 implements MigrationInterface {
  name = 'EventStore1763700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE es_events (
        global_position bigint GENERATED ALWAYS AS IDENTITY,
        tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        event_id uuid NOT NULL,
        stream_id text NOT NULL,
        stream_version bigint NOT NULL,
        type text NOT NULL,
        schema_version integer NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT es_events_pkey PRIMARY KEY (tx_id, global_position),
        CONSTRAINT es_events_event_id_key UNIQUE (event_id),
        CONSTRAINT es_events_stream_version_key UNIQUE (stream_id, stream_version),
        CONSTRAINT es_events_version_check CHECK (stream_version >= 0)
      )`);
    await queryRunner.query(`
      CREATE FUNCTION es_append(p_stream text, p_mode integer, p_expected bigint, p_events jsonb)
      RETURNS TABLE (r_event_id uuid, r_stream_version bigint, r_tx_id xid8, r_global_position bigint, r_replayed boolean)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        v_current bigint;
        v_current_tx xid8;
        v_count integer := jsonb_array_length(p_events);
        v_rows integer;
      BEGIN
        SELECT e.stream_version, e.tx_id INTO v_current, v_current_tx
          FROM es_events e WHERE e.stream_id = p_stream
          ORDER BY e.stream_version DESC LIMIT 1;

        IF (p_mode = 0 AND v_current IS DISTINCT FROM p_expected)
           OR (p_mode = 1 AND v_current IS NOT NULL)
           OR (p_mode = 2 AND v_current IS NULL) THEN
          -- A retry of an append that already succeeded is not a conflict.
          RETURN QUERY SELECT e.event_id, e.stream_version, e.tx_id, e.global_position, true
            FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(ev, i)
            JOIN es_events e ON e.event_id = (x.ev->>'id')::uuid AND e.stream_id = p_stream
            ORDER BY x.i;
          GET DIAGNOSTICS v_rows = ROW_COUNT;
          IF v_rows = v_count THEN RETURN; END IF;
          RAISE EXCEPTION USING ERRCODE = 'TS409', MESSAGE = 'wrong expected version',
            DETAIL = coalesce(v_current::text, 'no_stream');
        END IF;

        IF v_current_tx IS NOT NULL AND v_current_tx > pg_current_xact_id() THEN
          RAISE EXCEPTION USING ERRCODE = '40001', MESSAGE = 'stream order would not follow the global order; retry';
        END IF;

        RETURN QUERY INSERT INTO es_events AS e (event_id, stream_id, stream_version, type, schema_version, data, metadata)
          SELECT (x.ev->>'id')::uuid, p_stream, coalesce(v_current, -1) + x.i, x.ev->>'type',
                 (x.ev->>'schemaVersion')::integer, x.ev->'data', x.ev->'metadata'
            FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(ev, i)
            ORDER BY x.i
          ON CONFLICT (event_id) DO NOTHING
          RETURNING e.event_id, e.stream_version, e.tx_id, e.global_position, false;
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        IF v_rows = v_count THEN RETURN; END IF;

        IF v_rows = 0 THEN
          RETURN QUERY SELECT e.event_id, e.stream_version, e.tx_id, e.global_position, true
            FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(ev, i)
            JOIN es_events e ON e.event_id = (x.ev->>'id')::uuid AND e.stream_id = p_stream
            ORDER BY x.i;
          GET DIAGNOSTICS v_rows = ROW_COUNT;
          IF v_rows = v_count THEN RETURN; END IF;
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'TS422', MESSAGE = 'some event ids are already stored, others are not';
      END
      $fn$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION es_append(text, integer, bigint, jsonb)`);
    await queryRunner.query(`DROP TABLE es_events`);
  }
}
