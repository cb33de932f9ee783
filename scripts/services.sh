#!/usr/bin/env bash
# Make sure the services and tools the test suite talks to are there: PostgreSQL on
# 127.0.0.1:5432 with a database `test` that the `postgres` role reaches without a password,
# and the independent implementations the tests check our files against: Taskwarrior (`task`),
# `systemd-analyze` and `promtool` (the alert rules). Installs Debian's packages when they are
# missing (needs root or sudo); only the packages' files are wanted, no service is started.
set -euo pipefail

PGHOST=127.0.0.1
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "services: need root (or sudo) to run: $*" >&2; return 1; fi
}

pg_ok() {
  command -v psql >/dev/null &&
    psql "postgresql://postgres@$PGHOST:5432/test" -Atqc 'select 1' >/dev/null 2>&1
}

start_clusters() {
  for version in $(ls /etc/postgresql 2>/dev/null); do
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
  done
}

need=()
command -v task >/dev/null || need+=(taskwarrior)
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v promtool >/dev/null || need+=(prometheus)
if [ ${#need[@]} -gt 0 ]; then
  echo "services: installing ${need[*]}" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${need[@]}" >/dev/null
fi

if pg_ok; then exit 0; fi

if ! command -v pg_ctlcluster >/dev/null; then
  echo "services: installing PostgreSQL" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
start_clusters
for _ in $(seq 1 30); do
  pg_isready -h "$PGHOST" -q && break
  sleep 1
done

if ! pg_ok; then
  # A fresh Debian cluster wants passwords over TCP: trust loopback, as the tests expect.
  for hba in /etc/postgresql/*/main/pg_hba.conf; do
    if ! grep -q "todo-tests" "$hba"; then
      as_root sed -i '1i host all all 127.0.0.1/32 trust # todo-tests' "$hba"
    fi
  done
  for version in $(ls /etc/postgresql); do
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  done
  as_root su postgres -c "psql -Atqc \"select 1 from pg_database where datname='test'\" | grep -q 1 || createdb test"
fi

pg_ok || { echo "services: PostgreSQL is still not reachable at $PGHOST:5432/test" >&2; exit 1; }
