#!/usr/bin/env bash
# Create one role and one database per service if missing (run by compose's db-init on
# every start, so a service added later gets its database too). Idempotent.
#   SC_DATABASES="work_orders alarm"  names (snake_case), role name = database name
#   SC_DB_PASSWORD                    password of those roles
set -euo pipefail

until pg_isready -q; do sleep 1; done

for db in ${SC_DATABASES}; do
  if [[ ! "$db" =~ ^[a-z_][a-z0-9_]*$ ]]; then
    echo "ensure-databases: bad name '$db'" >&2
    exit 1
  fi
  psql -v ON_ERROR_STOP=1 -v db="$db" -v pw="$SC_DB_PASSWORD" --quiet <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'db', :'pw')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'db') \gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'db', :'pw') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'db')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db') \gexec
SQL
  echo "ensure-databases: $db ready"
done
