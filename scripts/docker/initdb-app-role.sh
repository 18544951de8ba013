#!/bin/sh
# Runs once, when the postgis container creates its database (/docker-entrypoint-initdb.d).
# Creates the app's login role: a plain role, neither superuser nor BYPASSRLS nor owner, which the
# app refuses to run without. The app's first start (with MIGRATION_DATABASE_URL) makes it a member
# of atlas_app and atlas_display, the roles row-level security applies to.
set -eu
: "${ATLAS_APP_USER:=atlas_web}"
: "${ATLAS_APP_PASSWORD:?set ATLAS_APP_PASSWORD}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_user="$ATLAS_APP_USER" -v app_password="$ATLAS_APP_PASSWORD" <<'EOSQL'
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD %L', :'app_user', :'app_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_user') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), :'app_user') \gexec
EOSQL
