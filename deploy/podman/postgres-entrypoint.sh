#!/bin/sh
set -eu
BIN=/usr/lib/postgresql/15/bin
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    printf '%s' "$POSTGRES_PASSWORD" > /tmp/pwfile
    "$BIN/initdb" -D "$PGDATA" -U "$POSTGRES_USER" --pwfile=/tmp/pwfile --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    rm /tmp/pwfile
    "$BIN/pg_ctl" -D "$PGDATA" -o "-c listen_addresses='' -p $PGPORT" -w start >/dev/null
    PGPASSWORD="$POSTGRES_PASSWORD" "$BIN/../bin/psql" -h /var/run/postgresql -p "$PGPORT" -U "$POSTGRES_USER" -d postgres \
        -c "CREATE DATABASE \"$POSTGRES_DB\"" >/dev/null
    "$BIN/pg_ctl" -D "$PGDATA" -w stop >/dev/null
fi
exec "$BIN/postgres" -D "$PGDATA" -c listen_addresses='*' -p "$PGPORT" -c unix_socket_directories=/var/run/postgresql
