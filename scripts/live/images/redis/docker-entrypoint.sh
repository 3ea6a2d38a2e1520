#!/bin/sh
# The official entrypoint (docker-library/redis docker-entrypoint.sh) less the
# root-only chown and gosu step: the Compose file always runs it as redis.
set -e
# "first arg is `-f` or `--some-option`, or first arg is `something.conf`"
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- redis-server "$@"
fi
exec "$@"
