#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# run-scenarios.sh MODE DAEMON SCRIPTDIR [MIXTASY MAKE_MIX_MESSAGE]
#
# Starts DAEMON (mixtasy-milter or mixtasy-milter-scripted) in the
# foreground on a private unix socket and home, runs every NN_*.lua
# scenario against it with miltertest, checks the daemon's log and its
# SIGUSR1 reload, and always kills the daemon at the end, also on failure.
#   MODE scripted  the scripted node; the mix message is a fixed text
#   MODE real      the real node: key homes from `mixtasy keygen` (ours and
#                  three more mixes) and a four-hop message from core's
#                  creator (make_mix_message); exit 77 (skip) while they
#                  cannot be made yet.
# Exit 0 all passed, 1 a failure, 77 skipped.
set -u
mode=$1 daemon=$2 scripts=$3 mixtasy=${4:-}
work=$(mktemp -d /tmp/mixtasy-milter-scenarios.XXXXXX)
pid=
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$pid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; echo "--- daemon log"; cat "$work/daemon.log" 2>/dev/null; exit 1; }

mkdir -p "$work/home"
mixaddr=mixtasy@mix.test
case $mode in
scripted)
    echo "$mixaddr" > "$work/home/addresses"
    printf 'Remailer-Type: Mixtasy v1\r\nSubject: scenario\r\nX-Folded: first\r\n\tsecond\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n\r\nhQEMA0scripted\r\n.dot line\r\n-----END PGP MESSAGE-----\r\n' > "$work/mix.eml"
    ;;
real)
    maker=${5:-}
    [ -x "$mixtasy" ] || { echo "SKIP: no mixtasy client"; exit 77; }
    [ -n "$maker" ] && [ -x "$maker" ] || { echo "SKIP: core cannot create messages yet"; exit 77; }
    # Our node and three more mixes, so the path has the four hops required.
    for m in mix m2 m3 m4; do
        h="$work/home"; [ $m = mix ] || h="$work/$m"
        modes=middleman; [ $m = m4 ] && modes=middleman,exitpublic
        if ! "$mixtasy" keygen --home "$h" --address "mixtasy@$m.test" --modes "$modes" >"$work/keygen.log" 2>&1; then
            echo "SKIP: mixtasy keygen cannot make a node yet:"; cat "$work/keygen.log"; exit 77
        fi
        cat "$h/public.asc" >> "$work/mixes.asc"
    done
    for tag in scenario store immediate; do
        out="$work/mix.eml"; [ $tag = scenario ] || out="$work/mix-$tag.eml"
        if ! "$maker" "$work/mixes.asc" mixtasy@mix.test,mixtasy@m2.test,mixtasy@m3.test,mixtasy@m4.test \
                final@dest.test "$out" $tag >"$work/create.log" 2>&1; then
            echo "SKIP: core cannot create a message yet:"; cat "$work/create.log"; exit 77
        fi
    done
    ;;
*) echo "usage: $0 scripted|real DAEMON SCRIPTDIR [MIXTASY]"; exit 1 ;;
esac

# AllowRoot: the harness may run as root and has no mix user to become.
cat > "$work/milter.conf" <<CONF
Socket          unix:$work/milter.sock
SocketGroup     $(id -gn)
AllowRoot       yes
Home            $work/home
PoolInterval    1h
LogLevel        debug
Syslog          no
ReinjectURL     smtp://127.0.0.1:9
CONF
"$daemon" -n -c "$work/milter.conf" || fail "configuration check"
# -n on a bad file: every problem with its line number, exit 1.
printf 'Socket inet:8895@127.0.0.1\nFrobnicate yes\nPoolFraction 2\n' > "$work/bad.conf"
"$daemon" -n -c "$work/bad.conf" 2>"$work/bad.out"; status=$?
[ $status -eq 1 ] || fail "-n on a bad file exited $status"
grep -q "bad.conf:2: unknown key 'Frobnicate'" "$work/bad.out" || fail "-n: no line 2 problem"
grep -q "bad.conf:3: PoolFraction" "$work/bad.out" || fail "-n: no line 3 problem"
"$daemon" -V | grep -q "^mixtasy-milter " || fail "-V"
"$daemon" -f -c "$work/milter.conf" >"$work/daemon.log" 2>&1 &
pid=$!
for _ in $(seq 1 50); do [ -S "$work/milter.sock" ] && break; sleep 0.1; done
if [ ! -S "$work/milter.sock" ]; then
    if grep -q "not implemented" "$work/daemon.log"; then
        echo "SKIP: the node cannot be opened yet"; cat "$work/daemon.log"; exit 77
    fi
    fail "daemon did not open its socket"
fi
# Only the MTA's group may speak to the daemon.
[ "$(stat -c %a:%G "$work/milter.sock")" = "660:$(id -gn)" ] \
    || fail "socket mode and group: $(stat -c %a:%G "$work/milter.sock")"

failed=0
for scenario in "$scripts"/[0-9][0-9]_*.lua; do
    name=$(basename "$scenario" .lua)
    if miltertest -D socket="unix:$work/milter.sock" -D home="$work/home" -D mixmsg="$work/mix.eml" \
            -D mixmsg_store="$work/mix-store.eml" \
            -D mixaddr="$mixaddr" -D mode="$mode" -D scripts="$scripts" -s "$scenario" >"$work/$name.out" 2>&1; then
        echo "ok   $name"
    else
        echo "FAIL $name"; cat "$work/$name.out"; failed=1
    fi
done

# The daemon's log: decisions with reasons, never the envelope sender.
# A destroyed message: one neutral line, the reason at debug level only.
grep -q "mix message pooled, [0-9]* bytes" "$work/daemon.log" || { echo "FAIL log: no pooled line"; failed=1; }
grep -q "info: .*mix message destroyed, [0-9]* bytes" "$work/daemon.log" || { echo "FAIL log: no neutral destroyed line"; failed=1; }
grep -q "debug: .*mix message destroyed: replay" "$work/daemon.log" || { echo "FAIL log: no replay line"; failed=1; }
if grep "info: " "$work/daemon.log" | grep -qi "dumm"; then echo "FAIL log: dummies at info level"; failed=1; fi
if [ "$mode" = real ]; then
    grep -q "mix message deferred (store unavailable), [0-9]* bytes" "$work/daemon.log" || { echo "FAIL log: no store tempfail"; failed=1; }
    grep -q "mix message quarantined (not a mix message), [0-9]* bytes" "$work/daemon.log" || { echo "FAIL log: no quarantine"; failed=1; }
fi
# 10_key_service: one line per request, never the requester's address.
if [ "$mode" = real ]; then
    grep -q "info: key service: retrieval answered" "$work/daemon.log" || { echo "FAIL log: no retrieval line"; failed=1; }
    grep -q "info: remailer-key answered" "$work/daemon.log" || { echo "FAIL log: no remailer-key line"; failed=1; }
    grep -q "info: key service: request dropped (" "$work/daemon.log" || { echo "FAIL log: no dropped request line"; failed=1; }
fi
if grep -qi "sender.test" "$work/daemon.log"; then echo "FAIL log: an envelope sender was logged"; failed=1; fi

# `mixtasy process --immediate` on the home the daemon uses: writes out what
# its own message made (one next hop) and leaves the daemon's pool alone.
if [ "$mode" = real ]; then
    "$mixtasy" process --home "$work/home" --immediate <"$work/mix-immediate.eml" \
        >"$work/immediate.out" 2>"$work/immediate.err" || { echo "FAIL process --immediate"; cat "$work/immediate.err"; failed=1; }
    [ "$(grep -c '^pooled -> mixtasy@m2.test' "$work/immediate.err")" -eq 1 ] && \
        [ "$(grep -c '^pooled -> ' "$work/immediate.err")" -eq 1 ] && \
        [ "$(grep -c '^Remailer-Type:' "$work/immediate.out")" -eq 1 ] \
        || { echo "FAIL process --immediate wrote more than its own message:"; cat "$work/immediate.err"; failed=1; }
fi

# SIGUSR1 reloads configuration and keys without dropping the daemon.
kill -USR1 "$pid"
for _ in $(seq 1 30); do grep -q "reloaded configuration and keys" "$work/daemon.log" && break; sleep 0.1; done
grep -q "reloaded configuration and keys" "$work/daemon.log" || { echo "FAIL reload"; failed=1; }
kill -0 "$pid" 2>/dev/null || { echo "FAIL daemon died on SIGUSR1"; failed=1; }

# SIGTERM: a clean stop.
kill -TERM "$pid"
for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then echo "FAIL daemon ignored SIGTERM"; failed=1; else
    wait "$pid"; status=$?; pid=
    [ "$status" -eq 0 ] || { echo "FAIL daemon exit status $status"; failed=1; }
    [ ! -e "$work/milter.sock" ] || { echo "FAIL socket left behind"; failed=1; }
fi
# Subkey upkeep at start (real node): a node whose subkey expired while it
# was down has a successor before its first message, and says so.
if [ "$mode" = real ] && [ $failed -eq 0 ]; then
    # Made three days ago with the default 2-day subkey: expired now.
    "$mixtasy" keygen --home "$work/aged" --address mixtasy@aged.test \
        --faked-system-time $(( $(date +%s) - 3 * 86400 )) >/dev/null \
        || fail "keygen of the aged node"
    sed -e "s|^Home .*|Home            $work/aged|" -e "s|milter.sock|aged.sock|" \
        "$work/milter.conf" > "$work/aged.conf"
    "$daemon" -f -c "$work/aged.conf" >"$work/aged.log" 2>&1 &
    pid=$!
    # "listening" is logged after the start-up upkeep (the socket exists before).
    for _ in $(seq 1 50); do grep -q "listening on" "$work/aged.log" && break; sleep 0.1; done
    grep -q "keys: 1 new encryption subkey(s), 1 expired removed" "$work/aged.log" \
        || { echo "FAIL no subkey rotation at start"; cat "$work/aged.log"; failed=1; }
    "$mixtasy" key rotate --home "$work/aged" | grep -q "^0 subkey(s) added, 0 expired removed" \
        || { echo "FAIL the rotated key was not saved"; failed=1; }
    kill -TERM "$pid"; wait "$pid"; pid=
fi
[ $failed -eq 0 ] || fail "see above"
echo "all scenarios passed ($mode)"
