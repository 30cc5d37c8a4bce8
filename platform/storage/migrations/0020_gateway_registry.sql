-- Up Migration
-- The gateways' contract with the roster (docs/gateway.md, "The roster"). Every gateway decides
-- registrations from the platform's roster and keeps each terminal's auth-code hash in it, so a
-- terminal authenticates on any gateway, before and after restarts. Gateways call only these
-- functions, never the tables: the platform may change its tables as long as they keep answering.

-- What bears on one registration: the phone's roster entry (locked, so two gateways registering
-- one phone take turns) with the vehicle it is installed in, and the vehicle the registration's
-- plate names (its VIN with plate colour 0), with that vehicle's terminal and whether an
-- installation job is planned for it.
CREATE FUNCTION gateway_registration_facts(p_phone text, p_plate text, p_plate_color smallint)
RETURNS TABLE (
  known boolean,
  terminal_id text,
  pending boolean,
  vehicle_plate text,
  vehicle_plate_color smallint,
  vehicle_vin text,
  plate_vehicle boolean,
  plate_vehicle_terminal text,
  plate_vehicle_planned boolean
)
LANGUAGE sql VOLATILE AS $$
  WITH own AS (SELECT * FROM terminals WHERE phone = p_phone FOR UPDATE),
  named AS (
    SELECT v.id FROM vehicles v
     WHERE p_plate <> ''
       AND ((v.plate = p_plate AND v.plate_color = p_plate_color) OR (p_plate_color = 0 AND v.vin = p_plate))
     LIMIT 1
  )
  SELECT own.phone IS NOT NULL, own.terminal_id, own.pending, v.plate, v.plate_color, v.vin,
         named.id IS NOT NULL,
         (SELECT x.phone FROM terminals x WHERE x.vehicle_id = named.id),
         EXISTS (SELECT 1 FROM installations i WHERE i.vehicle_id = named.id AND i.done_at IS NULL)
    FROM (SELECT 1) AS one
    LEFT JOIN own ON true
    LEFT JOIN vehicles v ON v.id = own.vehicle_id
    LEFT JOIN named ON true
$$;

-- Keeps the hash of the code just issued (the code itself is never stored). A phone the roster
-- did not know joins as pending; a roster entry without a terminal id takes the registered one.
CREATE FUNCTION gateway_save_auth_code(p_phone text, p_hash bytea, p_terminal_id text, p_pending boolean)
RETURNS void
LANGUAGE sql VOLATILE AS $$
  INSERT INTO terminals AS t (phone, terminal_id, pending, auth_code_hash)
  VALUES (p_phone, nullif(p_terminal_id, ''), p_pending, p_hash)
  ON CONFLICT (phone) DO UPDATE SET auth_code_hash = EXCLUDED.auth_code_hash,
    terminal_id = coalesce(t.terminal_id, EXCLUDED.terminal_id)
$$;

-- The hashes of many phones at once: gateways batch the authentications of a sign-in storm.
-- PL/pgSQL, not SQL: it keeps its statement's plan per connection, where a SQL function that is
-- SECURITY DEFINER (0021) is not inlined and plans its query at every call (the sign-in storm's
-- database cost was mostly that: bench/RESULTS.md, "Sign-in storm").
CREATE FUNCTION gateway_auth_code_hashes(p_phones text[])
RETURNS TABLE (phone text, auth_code_hash bytea)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY
    SELECT t.phone, t.auth_code_hash FROM terminals t WHERE t.phone = ANY (p_phones) AND t.auth_code_hash IS NOT NULL;
END
$$;

-- Down Migration
DROP FUNCTION gateway_auth_code_hashes(text[]);
DROP FUNCTION gateway_save_auth_code(text, bytea, text, boolean);
DROP FUNCTION gateway_registration_facts(text, text, smallint);
