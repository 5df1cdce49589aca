import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * es_append_many (issue 13): several appends, to different streams, in one transaction.
 *
 * Every append was a transaction of its own, and on this project's 2-core machine a commit costs
 * PostgreSQL more CPU than the insert it makes durable: the store appended single events at
 * 0.65 ms of server CPU each. The store now sends the appends that arrive while others are on
 * their way as one call: each runs exactly as es_append (same checks, same rows), inside a
 * subtransaction of its own, so a refused append (wrong expected version, a race to create a
 * stream) is answered for itself and the others commit. The read boundary is registered once,
 * before the first write, as every appending transaction must (AppendRegistration1763700000008).
 *
 * Input: a JSON array of `{ stream, mode, expected, events }` (es_append's four arguments).
 * Output: es_append's rows for each append, tagged with its index (`r_index`, from 0); a refused
 * append gives one row with its SQLSTATE in `r_error`, its message and detail, and nulls.
 */
export class CombinedAppends1764700000060 implements MigrationInterface {
  name = 'CombinedAppends1764700000060';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION es_append_many(p_appends jsonb)
      RETURNS TABLE (r_index integer, r_event_id uuid, r_stream_version bigint, r_tx_id xid8, r_global_position bigint, r_replayed boolean,
                     r_error text, r_message text, r_detail text)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        v_append jsonb;
        v_index integer := 0;
        v_error text;
        v_message text;
        v_detail text;
      BEGIN
        PERFORM es_register_append();
        FOR v_append IN SELECT x.value FROM jsonb_array_elements(p_appends) WITH ORDINALITY AS x(value, n) ORDER BY x.n LOOP
          BEGIN
            RETURN QUERY SELECT v_index, a.r_event_id, a.r_stream_version, a.r_tx_id, a.r_global_position, a.r_replayed, NULL::text, NULL::text, NULL::text
              FROM es_append(v_append->>'stream', (v_append->>'mode')::integer, (v_append->>'expected')::bigint, v_append->'events') a;
          EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_error = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
            RETURN QUERY SELECT v_index, NULL::uuid, NULL::bigint, NULL::xid8, NULL::bigint, NULL::boolean, v_error, v_message, v_detail;
          END;
          v_index := v_index + 1;
        END LOOP;
      END
      $fn$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION es_append_many(jsonb)`);
  }
}
