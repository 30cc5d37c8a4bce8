-- Up Migration
-- Warranty, repeat and hardware reports over the tickets.

-- Per terminal: repairs in the last twelve months (two or more = recurring fault), and whether the
-- same cause failed three times within warranty (= replace the terminal). The cause is what the
-- installer found, or the reason the platform opened the ticket for when none was recorded.
CREATE VIEW terminal_repair_flags AS
SELECT phone,
       count(*) FILTER (WHERE opened_at > now() - interval '12 months') AS repairs_12_months,
       count(*) FILTER (WHERE opened_at > now() - interval '12 months') >= 2 AS recurring_fault,
       EXISTS (
         SELECT 1 FROM tickets same
          WHERE same.phone = t.phone AND same.kind = 'repair' AND same.in_warranty
          GROUP BY coalesce(same.fault_cause, same.reason)
         HAVING count(*) >= 3
       ) AS replace_terminal
  FROM tickets t
 WHERE kind = 'repair' AND phone IS NOT NULL
 GROUP BY phone;

-- Which hardware fails most: repair tickets per month by terminal maker and model and cause.
CREATE VIEW monthly_faults_by_model AS
SELECT date_trunc('month', t.opened_at AT TIME ZONE 'Asia/Shanghai') AS month,
       coalesce(term.maker, '?') AS maker,
       coalesce(term.model, '?') AS model,
       coalesce(t.fault_cause, t.reason) AS cause,
       count(*) AS repairs,
       count(DISTINCT t.phone) AS terminals
  FROM tickets t
  LEFT JOIN terminals term ON term.phone = t.phone
 WHERE t.kind = 'repair'
 GROUP BY 1, 2, 3, 4;

-- Deadline breaches per service point (for the service-point scorecard).
CREATE VIEW service_point_breaches AS
SELECT service_point_id,
       count(*) AS tickets,
       count(*) FILTER (WHERE 'response' = ANY (breaches)) AS response_breaches,
       count(*) FILTER (WHERE 'on-site' = ANY (breaches)) AS onsite_breaches
  FROM tickets
 WHERE service_point_id IS NOT NULL
 GROUP BY service_point_id;

-- Down Migration
DROP VIEW service_point_breaches;
DROP VIEW monthly_faults_by_model;
DROP VIEW terminal_repair_flags;
