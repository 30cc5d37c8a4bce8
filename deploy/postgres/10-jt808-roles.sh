#!/bin/sh
# Run once by the TimescaleDB image when it initialises an empty data directory
# (/docker-entrypoint-initdb.d, docker-compose.yml): the login roles the services connect as, with
# the passwords of .env. Migration 0021 (run by the `migrate` service as the owner) finds them made
# and grants them their rights: jt808_app changes rows, jt808_gateway calls the gateway functions.
# To change a password later: ALTER ROLE jt808_app PASSWORD '…' (this script does not run again).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_password="$JT808_APP_PASSWORD" -v gateway_password="$JT808_GATEWAY_PASSWORD" <<'SQL'
CREATE ROLE jt808_app LOGIN PASSWORD :'app_password';
CREATE ROLE jt808_gateway LOGIN PASSWORD :'gateway_password';
SQL
