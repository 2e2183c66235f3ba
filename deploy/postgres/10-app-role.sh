#!/bin/sh
# Run by the postgres image once, when it initialises an empty data folder
# (/docker-entrypoint-initdb.d): creates the application's least-privileged role.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v owner="$POSTGRES_USER" -v dbname="$POSTGRES_DB" \
    -v app_role="$POSTGRES_APP_USER" -v app_password="$POSTGRES_APP_PASSWORD" \
    -f /docker-entrypoint-initdb.d/app-role.psql
