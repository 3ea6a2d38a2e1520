#!/bin/sh
# set-ids.sh USER UID GROUP GID: gives USER and GROUP exactly these ids (the
# official image's), creating them if missing; whichever other user or group
# held an id moves to a free one. Files the old ids owned are re-owned.
set -eu
user=$1 uid=$2 group=$3 gid=$4
old_gid=$(getent group "$group" | cut -d: -f3 || true)
old_uid=$(id -u "$user" 2>/dev/null || true)
holder=$(getent group "$gid" | cut -d: -f1 || true)
if [ -n "$holder" ] && [ "$holder" != "$group" ]; then groupmod -g "$((gid + 40000))" "$holder"; fi
holder=$(getent passwd "$uid" | cut -d: -f1 || true)
if [ -n "$holder" ] && [ "$holder" != "$user" ]; then usermod -u "$((uid + 40000))" "$holder"; fi
if [ -z "$old_gid" ]; then groupadd -r -g "$gid" "$group"; else groupmod -g "$gid" "$group"; fi
if [ -z "$old_uid" ]; then useradd -r -M -u "$uid" -g "$gid" -s /usr/sbin/nologin "$user"; else usermod -u "$uid" -g "$gid" "$user"; fi
for dir in /var /etc /run /usr/share; do
  [ -z "$old_uid" ] || find "$dir" -xdev -uid "$old_uid" -exec chown -h "$uid" {} +
  [ -z "$old_gid" ] || find "$dir" -xdev -gid "$old_gid" -exec chgrp -h "$gid" {} +
done
