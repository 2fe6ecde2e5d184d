#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# soak.sh DAEMON [COUNT] - daemon RSS over COUNT messages through miltertest
# (mix 50%: pooled or replayed, ordinary 25%, aborted 25%), scripted node.
# Prints RSS after warm-up and at the end; flat means no per-message leak.
set -u
daemon=$1 count=${2:-20000}
work=$(mktemp -d /tmp/mixtasy-soak.XXXXXX)
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
mkdir "$work/home"
printf 'Socket unix:%s/s\nSocketGroup %s\nAllowRoot yes\nHome %s/home\nPoolInterval 1h\nSyslog no\nLogLevel warning\n' "$work" "$(id -gn)" "$work" > "$work/c"
"$daemon" -f -c "$work/c" 2>"$work/log" & pid=$!
sleep 0.5
rss() { awk '/VmRSS/ {print $2}' /proc/$pid/status; }
miltertest -D socket="unix:$work/s" -D count=2000 -s "$(dirname "$0")/soak.lua"
warm=$(rss)
start=$(date +%s.%N)
miltertest -D socket="unix:$work/s" -D count="$count" -s "$(dirname "$0")/soak.lua"
end=$(date +%s.%N)
final=$(rss)
echo "messages: $count in $(echo "$end - $start" | bc) s; RSS after 2000-message warm-up: ${warm} kB, after $count more: ${final} kB"
