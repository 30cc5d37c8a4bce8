-- Up Migration
-- Notifications per kind, signed (docs/after-sales.md, "The outbound sender"), and the exchange
-- linked to its return record ("Replace after three repairs").

-- Where each kind of notice goes out: zero or more endpoints (an SMS gateway for some kinds, a
-- webhook for others), each with its own secret, with which every delivery is signed (HMAC-SHA256).
-- Endpoints are never deleted, only made inactive: the delivery log keeps naming them.
CREATE TABLE notification_endpoints (
  id serial PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
  url text NOT NULL,
  secret text NOT NULL CHECK (length(secret) BETWEEN 16 AND 256),
  kinds text[] NOT NULL
    CHECK (kinds <@ ARRAY['dispatch', 'reassign', 'reschedule', 'deadline', 'escalation', 'exchange']),
  active boolean NOT NULL DEFAULT true,
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The single URL of 0028 becomes an endpoint for every kind, with a fresh secret (an administrator
-- reads nothing of it back: they set a new one and give it to the receiver).
INSERT INTO notification_endpoints (name, url, secret, kinds, updated_by)
SELECT 'default', url, md5(random()::text) || md5(random()::text),
       ARRAY['dispatch', 'reassign', 'reschedule', 'deadline', 'escalation', 'exchange'], updated_by
  FROM notification_sender WHERE url IS NOT NULL;

-- One message per notice and endpoint; the log names the endpoint each went to.
ALTER TABLE outbound_messages ADD COLUMN endpoint_id integer REFERENCES notification_endpoints (id);
UPDATE outbound_messages SET endpoint_id = (SELECT id FROM notification_endpoints WHERE name = 'default');
DELETE FROM outbound_messages WHERE endpoint_id IS NULL;
ALTER TABLE outbound_messages ALTER COLUMN endpoint_id SET NOT NULL;
ALTER TABLE outbound_messages DROP CONSTRAINT outbound_messages_notice_id_key;
ALTER TABLE outbound_messages ADD CONSTRAINT outbound_messages_notice_endpoint UNIQUE (notice_id, endpoint_id);

-- The sender row keeps how hard to try (timeout, attempts, backoff); where to is the endpoints'.
ALTER TABLE notification_sender DROP COLUMN url;

-- The exchange's return record(s): an RMA record (of a repair ticket of the flagged vehicle) done for
-- the exchange names it.
ALTER TABLE rma_records ADD COLUMN exchange_id bigint REFERENCES replacement_flags (id);
CREATE INDEX rma_records_exchange ON rma_records (exchange_id) WHERE exchange_id IS NOT NULL;

-- Down Migration
DROP INDEX rma_records_exchange;
ALTER TABLE rma_records DROP COLUMN exchange_id;
ALTER TABLE notification_sender ADD COLUMN url text;
UPDATE notification_sender SET url = (SELECT url FROM notification_endpoints WHERE active ORDER BY id LIMIT 1);
ALTER TABLE outbound_messages DROP CONSTRAINT outbound_messages_notice_endpoint;
DELETE FROM outbound_messages m WHERE EXISTS (
  SELECT 1 FROM outbound_messages other WHERE other.notice_id = m.notice_id AND other.id < m.id);
ALTER TABLE outbound_messages ADD CONSTRAINT outbound_messages_notice_id_key UNIQUE (notice_id);
ALTER TABLE outbound_messages DROP COLUMN endpoint_id;
DROP TABLE notification_endpoints;
