import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The global log's read boundary waits only for appends in flight (issue 12).
 *
 * Before: readers read below `pg_snapshot_xmin`, the oldest transaction running anywhere in the
 * cluster, so one idle `BEGIN; SELECT pg_current_xact_id();` in another database froze every
 * projection, reaction and subscription.
 *
 * Now every transaction that inserts into es_events announces itself first: es_register_append()
 * takes a shared transaction-level advisory lock (key ES_APPEND_LOCK) before the transaction has
 * a transaction id, and marks the transaction (GUC `tandem.es_appender`, transaction-local).
 * es_read_boundary() is the oldest transaction id among the holders of that lock that were
 * still running, else the xmax of a snapshot taken just before: a reader that then reads
 * `tx_id < boundary` with a newer snapshot can never pass an event a slower append commits later.
 * The proof and the edge cases are in README.md ("The read boundary").
 *
 * A transaction that already has a transaction id when it first appends (it wrote something
 * else first and did not call es_register_append() before) is refused with SQLSTATE TS428:
 * readers may already have passed its id.
 */
export class AppendRegistration1763700000008 implements MigrationInterface {
  name = 'AppendRegistration1763700000008';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION es_register_append() RETURNS void
      LANGUAGE plpgsql AS $fn$
      BEGIN
        IF current_setting('tandem.es_appender', true) = 'on' THEN RETURN; END IF;
        IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
          RAISE EXCEPTION USING ERRCODE = 'TS428',
            MESSAGE = 'an append must come before the transaction''s first write',
            HINT = 'call es_register_append() at the start of a transaction that writes before it appends';
        END IF;
        PERFORM pg_advisory_xact_lock_shared(72617, 2);
        PERFORM set_config('tandem.es_appender', 'on', true);
      END
      $fn$`);
    // Raw inserts (scripts, tests) register too; es_append registered already, so this is a no-op there.
    await queryRunner.query(`
      CREATE FUNCTION es_register_append_trigger() RETURNS trigger
      LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM es_register_append();
        RETURN NULL;
      END
      $fn$`);
    await queryRunner.query(`CREATE TRIGGER es_events_register_append BEFORE INSERT ON es_events FOR EACH STATEMENT EXECUTE FUNCTION es_register_append_trigger()`);
    await queryRunner.query(`
      CREATE FUNCTION es_read_boundary() RETURNS xid8
      LANGUAGE plpgsql VOLATILE AS $fn$
      DECLARE
        v_snap pg_snapshot := pg_current_snapshot();
        v_oldest xid8;
        v_hidden boolean;
      BEGIN
        -- A standby cannot see the primary's locks; under REPEATABLE READ the caller's snapshot
        -- is older than the lock table we would read: both keep the cluster-wide horizon.
        IF pg_is_in_recovery() OR current_setting('transaction_isolation') <> 'read committed' THEN
          RETURN pg_snapshot_xmin(v_snap);
        END IF;
        -- Backend states are cached per transaction: read them afresh, after the snapshot.
        PERFORM pg_stat_clear_snapshot();
        WITH holders AS (
          SELECT a.backend_xid AS xid, a.backend_start IS NULL AS hidden
            FROM pg_locks l
            CROSS JOIN LATERAL pg_stat_get_activity(l.pid) a
           WHERE l.locktype = 'advisory' AND l.classid = 72617 AND l.objid = 2 AND l.objsubid = 2
             AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          UNION ALL
          -- A prepared transaction keeps its locks but has no backend: count every one of this database.
          SELECT p.transaction, false FROM pg_prepared_xacts p WHERE p.database = current_database()
        )
        SELECT min(x), bool_or(h.hidden) INTO v_oldest, v_hidden
          FROM holders h
          LEFT JOIN pg_snapshot_xip(v_snap) x ON x::text::numeric % 4294967296 = h.xid::text::numeric;
        -- A holder whose transaction id we may not see (another role, no pg_read_all_stats): be safe.
        IF v_hidden THEN RETURN pg_snapshot_xmin(v_snap); END IF;
        RETURN coalesce(v_oldest, pg_snapshot_xmax(v_snap));
      END
      $fn$`);
    await queryRunner.query(`
      CREATE FUNCTION es_read_all(p_tx xid8, p_position bigint, p_limit integer)
      RETURNS SETOF es_events
      LANGUAGE plpgsql VOLATILE AS $fn$
      DECLARE
        v_boundary xid8 := es_read_boundary();
      BEGIN
        -- A new statement, so a newer snapshot than the boundary's (READ COMMITTED).
        RETURN QUERY SELECT * FROM es_events e
          WHERE (e.tx_id, e.global_position) > (p_tx, p_position) AND e.tx_id < v_boundary
          ORDER BY e.tx_id, e.global_position LIMIT p_limit;
      END
      $fn$`);
    await queryRunner.query(APPEND_WITH_REGISTRATION);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(APPEND_WITH_REGISTRATION.replace('PERFORM es_register_append();', ''));
    await queryRunner.query(`DROP FUNCTION es_read_all(xid8, bigint, integer)`);
    await queryRunner.query(`DROP FUNCTION es_read_boundary()`);
    await queryRunner.query(`DROP TRIGGER es_events_register_append ON es_events`);
    await queryRunner.query(`DROP FUNCTION es_register_append_trigger()`);
    await queryRunner.query(`DROP FUNCTION es_register_append()`);
  }
}

/** es_append of 1763700000000, registering the append before anything else. */
const APPEND_WITH_REGISTRATION = `
  CREATE OR REPLACE FUNCTION es_append(p_stream text, p_mode integer, p_expected bigint, p_events jsonb)
  RETURNS TABLE (r_event_id uuid, r_stream_version bigint, r_tx_id xid8, r_global_position bigint, r_replayed boolean)
  LANGUAGE plpgsql AS $fn$
  DECLARE
    v_current bigint;
    v_current_tx xid8;
    v_count integer := jsonb_array_length(p_events);
    v_rows integer;
  BEGIN
    PERFORM es_register_append();
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
  $fn$`;
