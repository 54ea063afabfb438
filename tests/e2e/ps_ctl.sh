#!/usr/bin/env bash
# ps_ctl.sh FRACTURE LEDGER CTL_RAW CONFIGS - `fracture ps` and `fracture ctl`
# against running programs (e2e.ps-ctl):
#   ps with no program; two programs at once (ps-restart.yaml: math
#   restartable; ps-replicate.yaml: math replicated, a plain FMP), ps text
#   and --json; ctl globs matching both programs and one; stats classes;
#   restart under load with every answer exact; env-next seen in ps after
#   the next restart; refusals (no restart: policy, the root, stop of a
#   child alone); restart of a replicated and of a sampled group, member by
#   member under load; signal (STOP/CONT seen in /proc); bad TARGET and ACTION;
#   malformed requests answered with an error while the program runs on;
#   another uid refused with its message; stop in order (SIGTERM's
#   status); the socket gone after a normal exit and after kill -9 of the
#   root; no process of the run left.
#
# Run as root (CI), it runs itself in a network namespace of its own, where
# abstract sockets are its own: other programs of this uid elsewhere on the
# machine are not seen, so "no program running" holds.
set -euo pipefail
fracture=$1 ledger=$2 ctl_raw=$3 configs=$4

if [ -z "${FR_PS_NETNS:-}" ] && [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
    FR_PS_NETNS=1 exec unshare -n "$0" "$@"
fi

dir=$(mktemp -d)
chmod 755 "$dir"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    rm -rf "$dir"
}
trap cleanup EXIT
cd "$dir"
uid=$(id -u)
fail() { echo "FAIL: $*"; for f in err.*; do [ -f "$f" ] && { echo "--- $f"; cat "$f"; }; done; exit 1; }
expect() {    # expect WANT_STATUS PATTERN CMD...: the status, and PATTERN in stdout+stderr
    local want=$1 pat=$2 st=0
    shift 2
    "$@" >out.txt 2>&1 || st=$?
    [ "$st" = "$want" ] || fail "'$*' exited $st, want $want: $(cat out.txt)"
    grep -qE -- "$pat" out.txt || fail "'$*' said no /$pat/: $(cat out.txt)"
}
socket_of() { grep -c "@fracture/$uid/$1\$" /proc/net/unix || true; }
wait_socket() {   # wait_socket PID N: until its listening socket count is N
    for _ in $(seq 100); do
        [ "$(socket_of "$1")" -ge "$2" ] && [ "$2" -gt 0 ] && return 0
        [ "$2" = 0 ] && [ "$(socket_of "$1")" = 0 ] && return 0
        sleep 0.1
    done
    fail "socket of $1: $(socket_of "$1") entries, want $2"
}

# ---- no program ----------------------------------------------------------
if [ -n "${FR_PS_NETNS:-}" ]; then
    expect 0 "^no fractured program of uid $uid is running" "$fracture" ps
    "$fracture" ps --json >ps0.json
    [ "$(jq '.programs | length' ps0.json)" = 0 ] || fail "ps --json lists programs: $(cat ps0.json)"
    expect 1 "no FMP of a running program of uid $uid matches 'ledger'" "$fracture" ctl ledger stats
fi

# ---- two programs ----------------------------------------------------------
mkfifo in.a in.b

FR_PS_TAG=$dir FRACTURE_CONFIG=$configs/ps-restart.yaml "$ledger" soak <in.a >out.a 2>err.a &
pa=$!
pids+=("$pa")
exec 3>in.a
FR_PS_TAG=$dir FRACTURE_CONFIG=$configs/ps-replicate.yaml "$ledger" soak <in.b >out.b 2>err.b 3>&- &
pb=$!
pids+=("$pb")
exec 4>in.b
wait_socket "$pa" 1
wait_socket "$pb" 1
echo x >&3
echo x >&4
for _ in $(seq 100); do grep -q '^ok' out.a && grep -q '^ok' out.b && break; sleep 0.1; done

expect 0 "ledger  pid $pa  config $configs/ps-restart.yaml" "$fracture" ps
grep -q "ledger  pid $pb  config $configs/ps-replicate.yaml" out.txt || fail "ps: no B: $(cat out.txt)"
grep -qE "^  maths +[0-9]+ +up +restart 0/20 per 60s, env - next 0" out.txt ||
    fail "ps: A's maths row: $(cat out.txt)"
grep -qE "^  maths +[0-9]+,[0-9]+,[0-9]+ +up +replicate 3/3 up" out.txt ||
    fail "ps: B's maths row: $(cat out.txt)"
"$fracture" ps --json >ps.json
jq -e --argjson a "$pa" --argjson b "$pb" '
  (.programs | map(.pid) | sort) == ([$a, $b] | sort) and
  (.programs[] | select(.pid == $a) | .fmps[] | select(.name == "maths") |
     .policy == "restart" and .restart.max == 20 and .restart.environments == 3 and
     .restart.env == -1 and (.members[0].pid > 0) and (.modules == ["math"]) and
     .calls >= 2 and .rss_kb > 0) and
  (.programs[] | select(.pid == $b) | .fmps[] | select(.name == "maths") |
     .policy == "replicate" and .replicas == 3 and (.members | length) == 3 and
     ([.members[].state] == ["up", "up", "up"])) and
  (.programs[] | select(.pid == $b) | .fmps[] | select(.name == "back") | .policy == "plain")
' ps.json >/dev/null || fail "ps --json: $(cat ps.json)"

# ---- ctl: globs and classes ------------------------------------------------
expect 0 "^5 FMPs: up \(" "$fracture" ctl 'led*' stats
expect 0 "^2 FMPs: up \(ledger\[$pa\]/root, ledger\[$pa\]/maths\)" "$fracture" ctl "$pa" stats
expect 0 "^2 FMPs: up \(ledger\[$pa\]/maths, ledger\[$pb\]/maths\)" "$fracture" ctl 'ledger/m*' stats
expect 0 "^1 FMP: up \(ledger\[$pb\]/back\)" "$fracture" ctl 'l?dger/back' stats
"$fracture" ctl --json 'ledger/m*' stats >ctl.json
jq -e '.ok and (.classes | length) == 1 and .classes[0].count == 2 and
       (.programs | length) == 2' ctl.json >/dev/null || fail "ctl --json: $(cat ctl.json)"
expect 1 "no FMP of a running program of uid $uid matches 'nothing'" "$fracture" ctl nothing stats
expect 1 "matches 'ledger/zz\*'" "$fracture" ctl 'ledger/zz*' stats

# bad TARGET / ACTION: usage errors
expect 2 "bad TARGET '/maths'" "$fracture" ctl /maths stats
expect 2 "bad TARGET 'ledger/'" "$fracture" ctl ledger/ stats
expect 2 "bad TARGET 'a/b/c'" "$fracture" ctl a/b/c stats
expect 2 "unknown ACTION 'reboot'" "$fracture" ctl ledger reboot
expect 2 "signal needs a signal" "$fracture" ctl ledger signal
expect 2 "'NOPE' is not a signal" "$fracture" ctl ledger signal NOPE
expect 2 "a TARGET and an ACTION are needed" "$fracture" ctl ledger
expect 2 "unknown option '--frob'" "$fracture" ctl --frob ledger stats
expect 2 "unknown option '--frob'" "$fracture" ps --frob

# ---- restart under load, exactly once ----------------------------------------
# A's driver writes a line at a time and reads each answer; three restarts
# of maths happen meanwhile; every one of the 300 answers must be exact.
(
    for i in $(seq 300); do echo "$i"; sleep 0.01; done >&3
) &
feeder=$!
for r in 1 2 3; do
    sleep 0.4
    expect 0 "^1 FMP: restarted \(ledger\[$pa\]/maths\)" "$fracture" ctl "$pa/maths" restart
done
wait "$feeder"
for _ in $(seq 100); do [ "$(wc -l <out.a)" -ge 302 ] && break; sleep 0.1; done
[ "$(grep -c '^ok 122304$' out.a)" = 301 ] && [ "$(wc -l <out.a)" = 302 ] ||
    fail "answers under restarts: $(sort out.a | uniq -c)"
grep -q "fracture ctl: restarting FMP 'maths'" err.a || fail "no restart said on A's stderr"
"$fracture" ps --json >ps.json
jq -e --argjson a "$pa" '.programs[] | select(.pid == $a) | .fmps[] | select(.name == "maths") |
    .restart.restarts == 3 and .restart.env == 2 and .members[0].incarnation == 3' ps.json \
    >/dev/null || fail "ps after 3 restarts: $(cat ps.json)"
# every thread of the incarnation that serves now bears its FMP's name,
# those it made while it waited as a spare too (fr-standby until GO)
mp=$(jq --argjson a "$pa" '.programs[] | select(.pid == $a) | .fmps[] |
    select(.name == "maths") | .members[0].pid' ps.json)
names=$(cat /proc/"$mp"/task/*/comm | sort | uniq -c)
[ "$(cat /proc/"$mp"/task/*/comm | sort -u)" = "fr:maths" ] ||
    fail "threads of maths (pid $mp) named: $names"

# env-next: the environment list is spent (the last one sticks), so a
# fresh program shows the skip: restart once (env 0), env-next, restart
# (env 2, not 1).
mkfifo in.c
FR_PS_TAG=$dir FRACTURE_CONFIG=$configs/ps-restart.yaml "$ledger" soak <in.c >out.c 2>err.c 3>&- 4>&- &
pc=$!
pids+=("$pc")
exec 5>in.c
wait_socket "$pc" 1
expect 1 "failed: its next restart uses the last" "$fracture" ctl "$pa/maths" env-next
expect 0 "^1 FMP: restarted" "$fracture" ctl "$pc/maths" restart
expect 0 "^1 FMP: next restart uses restart.environments\[2\] \(ledger\[$pc\]/maths\)" \
    "$fracture" ctl "$pc/maths" env-next
"$fracture" ps --json >ps.json
jq -e --argjson c "$pc" '.programs[] | select(.pid == $c) | .fmps[] | select(.name == "maths") |
    .restart.env == 0 and .restart.env_next == 2' ps.json >/dev/null || fail "ps after env-next: $(cat ps.json)"
expect 0 "^1 FMP: restarted" "$fracture" ctl "$pc/maths" restart
"$fracture" ps --json >ps.json
jq -e --argjson c "$pc" '.programs[] | select(.pid == $c) | .fmps[] | select(.name == "maths") |
    .restart.env == 2 and .restart.restarts == 2' ps.json >/dev/null || fail "ps after env-next restart: $(cat ps.json)"
mpid=$(jq --argjson c "$pc" '.programs[] | select(.pid == $c) | .fmps[] | select(.name == "maths") | .members[0].pid' ps.json)
tr '\0' '\n' </proc/"$mpid"/environ | grep -qx 'LEDGER_PS_ENV=2' || fail "maths of C not in environment 2"
echo x >&5
for _ in $(seq 50); do [ -s out.c ] && grep -q '^ok 122304$' out.c && break; sleep 0.1; done
grep -q '^ok 122304$' out.c || fail "C after env-next: $(cat out.c)"

# refusals, classes of several answers, nonzero status
expect 1 "failed: FMP 'back' has no restart: policy" "$fracture" ctl "$pb/back" restart
expect 1 "failed: the root FMP holds main and is never restarted" "$fracture" ctl "$pa/root" restart
expect 1 "failed: FMP 'maths' is a replicate group" "$fracture" ctl "$pb/maths" restart
expect 1 "failed: FMP 'back' has no restart: policy of its own" "$fracture" ctl "$pb/back" env-next
"$fracture" ctl --json "$pb" restart >ctl.json || true
jq -e '(.ok | not) and (.classes | length) == 3' ctl.json >/dev/null ||
    fail "ctl restart of B's FMPs: $(cat ctl.json)"
expect 1 "failed: stop ends a whole program" "$fracture" ctl "$pb/back" stop

# ---- signal ------------------------------------------------------------------
expect 0 "^1 FMP: sent SIGSTOP to 3 of 3 members \(ledger\[$pb\]/maths\)" \
    "$fracture" ctl "$pb/maths" signal STOP
for p in $(jq --argjson b "$pb" '.programs[] | select(.pid == $b) | .fmps[] | select(.name == "maths") | .members[].pid' ps.json); do
    for _ in $(seq 50); do [ "$(awk '{print $3}' /proc/"$p"/stat)" = T ] && break; sleep 0.05; done
    [ "$(awk '{print $3}' /proc/"$p"/stat)" = T ] || fail "replica $p not stopped"
done
expect 0 "^1 FMP: sent SIGCONT to 3 of 3 members" "$fracture" ctl "$pb/maths" signal 18
echo x >&4
for _ in $(seq 50); do [ "$(grep -c '^ok 122304$' out.b)" = 2 ] && break; sleep 0.1; done
[ "$(grep -c '^ok 122304$' out.b)" = 2 ] || fail "B after STOP/CONT: $(cat out.b)"

# ---- malformed requests: an error each, the program runs on ------------------
name="fracture/$uid/$pa"
check_raw() {   # check_raw PATTERN: stdin sent raw, the answer an error matching PATTERN
    "$ctl_raw" "$name" >raw.txt 2>&1 || true
    jq -e --arg p "$1" '.error | test($p)' raw.txt >/dev/null || fail "raw request: want /$1/, got: $(cat raw.txt)"
}
printf 'hello\n' | check_raw "unknown protocol version 'hello'"
printf 'v1 stats\n' | check_raw "a request is 'v1 ACTION FMP-GLOB"
printf 'v1 reboot *\n' | check_raw "unknown action 'reboot'"
printf 'v1 stats *' | check_raw "not ended by a newline"
printf 'v1 stats  *\n' | check_raw "an empty word"
printf 'v1 stats *\0x\n' | check_raw "byte 0x00 at offset 10"
printf 'v1 signal * 999\n' | check_raw "'999' is not a signal number"
printf 'v1 stats * x\n' | check_raw "action stats takes no argument"
printf 'v1 stats *\nv1 stop *\n' | check_raw "more than one line"
head -c 5000 /dev/zero | tr '\0' 'a' | check_raw "longer than 256 bytes"
head -c 3000 /dev/urandom | check_raw "."
: | check_raw "empty request"
expect 0 "^2 FMPs: up" "$fracture" ctl "$pa" stats

# ---- another uid ---------------------------------------------------------------
if [ "$uid" = 0 ] && id nobody >/dev/null 2>&1; then
    nuid=$(id -u nobody)
    printf 'v1 stats *\n' | runuser -u nobody -- "$ctl_raw" "$name" >raw.txt 2>&1 || true
    jq -e --arg m "permission denied: this program's control socket answers uid 0 only (its owner), and you are uid $nuid" \
        '.error == $m and (has("fmps") | not)' raw.txt >/dev/null || fail "nobody: $(cat raw.txt)"
    grep -q "refused a control connection from uid $nuid" err.a || fail "refusal not said on A's stderr"
    runuser -u nobody -- "$fracture" ps >out.txt 2>&1 || fail "ps as nobody: $(cat out.txt)"
    grep -q "^no fractured program of uid $nuid is running" out.txt || fail "ps as nobody: $(cat out.txt)"
    expect 0 "^2 FMPs: up" "$fracture" ctl "$pa" stats
else
    echo "(not root: another uid's refusal not tested)"
fi

# ---- stop: in order, as SIGTERM ----------------------------------------------
kill -0 "$pb" || fail "B ended before stop: $(cat out.b)"
expect 0 "^2 FMPs: stopping with the program \(ledger\[$pb\]/back, ledger\[$pb\]/maths\)" \
    "$fracture" ctl "$pb" stop
grep -q "^1 FMP: stopping (ledger\[$pb\]/root)" out.txt || fail "stop B: $(cat out.txt)"
st=0
wait "$pb" || st=$?
[ "$st" = 143 ] || fail "B ended with $st after ctl stop, want 143 (SIGTERM)"
wait_socket "$pb" 0

# ---- normal exit, kill -9 ----------------------------------------------------
exec 3>&-
st=0
wait "$pa" || st=$?
[ "$st" = 0 ] || fail "A ended with $st at EOF"
wait_socket "$pa" 0
kill -9 "$pc"
wait "$pc" || true
wait_socket "$pc" 0
# a sampled FMP: its instances' weights; a fork of the root (without exec)
# does not keep its socket after the root is killed
FR_PS_TAG=$dir FRACTURE_CONFIG=$configs/sample-seed.yaml "$ledger" fork-idle <in.c >out.d 2>err.d 4>&- 5>&- &
pd=$!
pids+=("$pd")
wait_socket "$pd" 1
for _ in $(seq 50); do grep -q '^forked' out.d && break; sleep 0.1; done
"$fracture" ps --json >ps.json
jq -e --argjson d "$pd" '.programs[] | select(.pid == $d) | .fmps[] | select(.name == "maths") |
    .policy == "sample" and .instances == 3 and ([.members[].weight] == [70, 20, 10])' ps.json \
    >/dev/null || fail "ps of a sampled FMP: $(cat ps.json)"
expect 0 "sample 3/3 up, weights 70:20:10" "$fracture" ps
inode=$(awk -v n="@fracture/$uid/$pd" '$8 == n {print $7}' /proc/net/unix | head -1)
forked=$(awk '/^forked/ {print $2}' out.d)
[ -n "$inode" ] && [ -n "$forked" ] || fail "no socket inode ($inode) or forked pid ($forked)"
if ls -l /proc/"$forked"/fd | grep -q "socket:\[$inode\]"; then
    fail "the root's fork $forked holds its control socket"
fi
kill -9 "$pd"
wait "$pd" || true
wait_socket "$pd" 0
exec 4>&- 5>&-

# ---- restart of groups: members one after the other, under load ------------
# maths replicated with restart: (E) and sampled with restart: (F); calls go
# on while ctl restarts every member, and every answer must be exact.
mkfifo in.e in.f
FR_PS_TAG=$dir FRACTURE_CONFIG=$configs/ps-groups.yaml "$ledger" soak <in.e >out.e 2>err.e &
pe=$!
pids+=("$pe")
exec 6>in.e
FR_PS_TAG=$dir FRACTURE_CONFIG=$configs/ps-sample-restart.yaml "$ledger" soak <in.f >out.f 2>err.f 6>&- &
pf=$!
pids+=("$pf")
exec 7>in.f
wait_socket "$pe" 1
wait_socket "$pf" 1
member_pids() { jq -c --argjson p "$1" '[.programs[] | select(.pid == $p) | .fmps[] |
    select(.name == "maths") | .members[].pid]' ps.json; }
"$fracture" ps --json >ps.json
before_e=$(member_pids "$pe") before_f=$(member_pids "$pf")
(
    for i in $(seq 100); do echo "$i" >&6; echo "$i" >&7; sleep 0.01; done
) &
feeder=$!
sleep 0.3
expect 0 "^1 FMP: restarted 3 of 3 replicas, one after the other \(ledger\[$pe\]/maths\)" \
    "$fracture" ctl "$pe/maths" restart
expect 0 "^1 FMP: restarted 2 of 2 instances, one after the other \(ledger\[$pf\]/maths\)" \
    "$fracture" ctl "$pf/maths" restart
wait "$feeder"
for _ in $(seq 100); do
    [ "$(wc -l <out.e)" -ge 101 ] && [ "$(wc -l <out.f)" -ge 101 ] && break
    sleep 0.1
done
for x in e f; do
    [ "$(grep -c '^ok 122304$' out.$x)" = 100 ] && [ "$(wc -l <out.$x)" = 101 ] ||
        fail "answers of $x under a group restart: $(sort out.$x | uniq -c)"
done
grep -q "fracture ctl: restarting replica 2 of FMP 'maths'" err.e || fail "no replica restart said"
grep -q "fracture ctl: restarting instance 1 of FMP 'maths'" err.f || fail "no instance restart said"
"$fracture" ps --json >ps.json
jq -e -n --argjson a "$before_e" --argjson b "$(member_pids "$pe")" \
    --argjson c "$before_f" --argjson d "$(member_pids "$pf")" \
    '($a | length) == 3 and ($c | length) == 2 and
     ([$a[] as $x | $b | any(.[]; . == $x)] | any | not) and
     ([$c[] as $x | $d | any(.[]; . == $x)] | any | not)' >/dev/null ||
    fail "members not all new: E $before_e -> $(member_pids "$pe"), F $before_f -> $(member_pids "$pf")"
exec 6>&- 7>&-
for p in "$pe" "$pf"; do
    st=0
    wait "$p" || st=$?
    [ "$st" = 0 ] || fail "program $p ended with $st at EOF"
    wait_socket "$p" 0
done
expect_none() {
    if [ -n "${FR_PS_NETNS:-}" ]; then
        expect 0 "^no fractured program of uid $uid is running" "$fracture" ps
    fi
}
expect_none
tagged() { grep -lsa "FR_PS_TAG=$dir" /proc/[0-9]*/environ 2>/dev/null | grep -v "/proc/$$/" || true; }
for _ in $(seq 50); do [ -z "$(tagged)" ] && break; sleep 0.1; done
[ -z "$(tagged)" ] || fail "processes of the run are left: $(tagged)"
pids=()
echo "ps/ctl: ok"
