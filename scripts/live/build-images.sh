#!/usr/bin/env bash
# Builds the live suite's stand-in images from Debian trixie packages, with no
# registry: one debootstrap root filesystem (`docker import`ed as
# saplings-live/base), then one small `docker build` per image on top of it:
#   saplings-live/{app,redis,pgvector,nginx}:test
# Each image is labelled with a digest of this folder; when all four carry the
# current digest, nothing is rebuilt. Needs root, debootstrap and a running dockerd.
# Usage: scripts/live/build-images.sh [--force]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
images=(app redis pgvector nginx)
mirror="${SAPLINGS_LIVE_MIRROR:-http://deb.debian.org/debian}"

digest="$(cd "$here" && find . -type f ! -name '*.md' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
label=org.saplings-live.digest

current() {
  for image in "${images[@]}"; do
    [ "$(docker image inspect --format "{{index .Config.Labels \"$label\"}}" "saplings-live/$image:test" 2>/dev/null)" = "$digest" ] || return 1
  done
}
if [ "${1:-}" != --force ] && current; then
  echo "saplings-live images are current ($digest)"
  exit 0
fi

base="saplings-live/base:$digest"
if ! docker image inspect "$base" >/dev/null 2>&1; then
  work="$(mktemp -d /var/tmp/saplings-live-rootfs.XXXXXX)"
  trap 'rm -rf "$work"' EXIT
  root="$work/root"
  echo "debootstrap trixie into $root"
  debootstrap --variant=minbase trixie "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || { tail -40 "$work/debootstrap.log"; exit 1; }
  # No service may start inside the chroot, and Debian's postgresql-common must not
  # make its own cluster: the images' entrypoints initialise their data themselves.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"; chmod 755 "$root/usr/sbin/policy-rc.d"
  mkdir -p "$root/etc/postgresql-common"
  echo 'create_main_cluster = false' >"$root/etc/postgresql-common/createcluster.conf"
  chroot "$root" /bin/sh -ec '
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends \
      redis-server redis-tools postgresql-17 postgresql-17-pgvector nginx \
      python3 gunicorn python3-redis python3-psycopg2 python3-prometheus-client curl >/dev/null
    apt-get clean
    rm -rf /var/lib/apt/lists/* /usr/share/doc /usr/share/man /usr/share/locale /usr/sbin/policy-rc.d
  '
  echo "docker import $base"
  tar -C "$root" --numeric-owner -c . | docker import - "$base" >/dev/null
  rm -rf "$work"; trap - EXIT
fi

for image in "${images[@]}"; do
  echo "docker build saplings-live/$image:test"
  DOCKER_BUILDKIT=0 docker build -q --build-arg "BASE=$base" --label "$label=$digest" \
    -t "saplings-live/$image:test" -f "$here/images/$image/Dockerfile" "$here/images" >/dev/null
done
# Older bases are of no further use.
docker image ls --format '{{.Repository}}:{{.Tag}}' saplings-live/base | grep -vxF "$base" | xargs -r docker rmi >/dev/null || true
echo "saplings-live images built ($digest)"
