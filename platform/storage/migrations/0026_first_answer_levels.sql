-- Up Migration
-- The service standard gives levels A and B (severity 1 and 2) 10 minutes to a first answer and
-- level C 30; the setting once covered severity 1 alone (platform/after-sales/src/settings.ts). An
-- operator's stored override keeps its value under the setting's new name.
UPDATE after_sales_settings SET name = 'firstAnswerMinutesAB' WHERE name = 'firstAnswerMinutesSeverity1';

-- Down Migration
UPDATE after_sales_settings SET name = 'firstAnswerMinutesSeverity1' WHERE name = 'firstAnswerMinutesAB';
