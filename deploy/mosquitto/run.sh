#!/bin/sh
# Entrypoint of the `mosquitto` service (eclipse-mosquitto:2.0.x, busybox ash).
#
# Starts Mosquitto once the generated password and ACL files exist (2.0 refuses to start
# without them), then polls them and sends SIGHUP when they change, so a device added with
# `manage.py device_add` (or removed, then `manage.py mqtt_acl`) takes effect within about a
# second, without a restart and without dropping other devices' sessions. TERM/INT are
# forwarded to Mosquitto, and its exit status is this script's.
set -u

CONF=${MOSQ_CONF:-/mosquitto/config/mosquitto.conf}
AUTH_DIR=${MOSQ_AUTH_DIR:-/mosquitto-auth}
DATA_DIR=${MOSQ_DATA_DIR:-/mosquitto/data}
INTERVAL=${MOSQ_POLL_INTERVAL:-0.5}

log() { echo "run.sh: $*" >&2; }
digest() { cat "$AUTH_DIR/acl" "$AUTH_DIR/passwd" 2>/dev/null | md5sum; }

# This replaces the image's docker-entrypoint.sh, which chowns all of /mosquitto (including
# the read-only config mount). Only the data directory has to belong to the broker's user.
if [ "$(id -u)" = 0 ] && [ -d "$DATA_DIR" ]; then
    chown -R mosquitto:mosquitto "$DATA_DIR" || log "cannot chown $DATA_DIR"
fi

stop_waiting=0
trap 'stop_waiting=1' TERM INT
while [ ! -f "$AUTH_DIR/passwd" ] || [ ! -f "$AUTH_DIR/acl" ]; do
    [ "$stop_waiting" = 1 ] && exit 143
    log "waiting for $AUTH_DIR/passwd and $AUTH_DIR/acl (written by manage.py mqtt_acl)"
    sleep 2
done

last=$(digest)
/usr/sbin/mosquitto -c "$CONF" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null' TERM INT

while kill -0 "$pid" 2>/dev/null; do
    sleep "$INTERVAL"
    cur=$(digest)
    if [ "$cur" != "$last" ]; then
        last=$cur
        log "auth files changed, sending SIGHUP to mosquitto"
        kill -HUP "$pid" 2>/dev/null
    fi
done
wait "$pid"
