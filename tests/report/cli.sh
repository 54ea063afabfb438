#!/usr/bin/env bash
# cli.sh CASE FRACTURE CROWD DIR [LEDGER CONFIG] - `fracture report` end to
# end, one case per CTest: FRACTURE is the fracture binary, CROWD the
# reports make_crowd.sh made (the fixture), DIR tests/report, LEDGER and
# CONFIG a fractured program and a deployment that samples it under
# memcheck (through-fracture).
#
# Every case runs in a temporary directory of its own, removed at exit,
# and checks the exit status, stdout and stderr; every error also that
# nothing was written (no page, no database made or changed).
set -euo pipefail
case=$1 fr=$2 crowd=$3 dir=$4 ledger=${5:-} config=${6:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fr-report.XXXXXX")
pgdata=""
cleanup() {
    if [ -n "$pgdata" ] && [ -e "$pgdata/postmaster.pid" ]; then
        as_pg "$pgbin/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
cd "$tmp"
cp -a "$crowd"/d[1-7] "$crowd"/foreign "$crowd"/helgrind .
all=(d1 d2 d3 d4 d5 d6 d7)

fail() { echo "FAIL: $*"; echo "--- stdout"; cat out 2>/dev/null || true
         echo "--- stderr"; cat err 2>/dev/null || true; exit 1; }

# run STATUS ARGS...: fracture report ARGS, which must exit STATUS
run() {
    local want=$1 rc=0
    shift
    "$fr" report "$@" >out 2>err || rc=$?
    [ "$rc" = "$want" ] || fail "exit status $rc, expected $want: fracture report $*"
    ! grep -q 'Sanitizer\|runtime error' err || fail "a sanitizer spoke: fracture report $*"
}
has() { grep -qF -- "$2" "$1" || fail "$1 lacks: $2"; }
lacks() { ! grep -qF -- "$2" "$1" || fail "$1 has: $2"; }
line() { grep -qxF -- "$2" "$1" || fail "$1 lacks the line: $2"; }
# json KEY WANT: the member KEY of out (a JSON document) is WANT
json() {
    cmake -DCMD="cat;out" -DSTATUS=0 -DKEY="$1" -DWANT="$2" \
        -P "$dir/../common/json_out.cmake" >/dev/null || fail "JSON $1 is not $2: $(cat out)"
}
# refused STATUS MESSAGE ARGS...: an error, said exactly, nothing written
refused() {
    local want=$1 msg=$2
    shift 2
    run "$want" --html page.html "$@"
    has err "fracture: error: $msg"
    [ ! -s out ] || fail "stdout not empty on error"
    [ ! -e page.html ] || fail "page.html written on error"
    [ -z "$(ls -A | grep '^\.\?page' || true)" ] || fail "files left: $(ls -A)"
}
# the ranking of the crowd, as every way of reading it must print it
ranked() {
    has out "2 bug classes from 7 deployments (8 reports, 1 truncated)"
    has out "#1 Leak_DefinitelyLost: 5 of 7 deployments, 6 occurrences, 384 bytes"
    has out "#2 InvalidRead: 4 of 7 deployments, 7 occurrences"
    line out "    signature: Leak_DefinitelyLost | malloc | leak_one"
    line out "    signature: InvalidRead | read_past"
    has out "    at read_past (buggy.c:"
    has out "       leak_one (buggy.c:"
    has out "deployments: d1, d3, d4, d5, d7"
    has out "deployments: d2, d3, d5, d6"
    has out "module ?, FMP prog"
    has out "first seen 2024-05-01T10:00:00Z, last seen 2024-05-07T10:00:00Z"
    has out "first seen 2024-05-02T10:00:00Z, last seen 2024-05-06T10:00:00Z"
    has out "(1 complete error)"
    lacks out "fr__shim"
}
# body FILE: the ranking without the lines that say where it came from
body() { grep -v '^database: \|given twice\|^  d6: ' "$1"; }

# PostgreSQL: a server of our own in $tmp, as an unprivileged user when we
# are root (the server refuses to run as root)
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
    else
        "$@"
    fi
}
pg_start() {
    pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
        echo "SKIP: PostgreSQL is not installed (cmake/deps.sh installs the postgresql package)"
        exit 77
    fi
    pgdata=$tmp/pg/data
    mkdir -p "$tmp/pg"
    [ "$(id -u)" != 0 ] || { chown nobody:nogroup "$tmp/pg"; chmod 755 "$tmp"; }
    as_pg "$pgbin/initdb" -D "$pgdata" -U fracture --auth=trust --locale=C -E UTF8 \
        >"$tmp/pg/initdb.log" 2>&1 || { cat "$tmp/pg/initdb.log"; fail "initdb failed"; }
    as_pg "$pgbin/pg_ctl" -D "$pgdata" -w -t 60 -l "$tmp/pg/log" \
        -o "-k $tmp/pg -c listen_addresses= -c fsync=off" start >/dev/null ||
        { cat "$tmp/pg/log"; fail "the server did not start"; }
    pguri="postgresql:///postgres?host=$tmp/pg&user=fracture"
}

case $case in
ranking)
    run 0 "${all[@]}"
    ranked
    lacks err "error"
    ;;
options-anywhere)
    run 0 d1 --json d2
    json ndeployments 2
    run 0 --help
    has out "usage: fracture report"
    ;;
json)
    run 0 --json "${all[@]}"
    json ndeployments 7
    json reports 8
    json database OFF
    json classes.0.rank 1
    json classes.0.kind Leak_DefinitelyLost
    json classes.0.signature "Leak_DefinitelyLost | malloc | leak_one"
    json classes.0.ndeployments 5
    json classes.0.occurrences 6
    json classes.0.bytes 384
    json classes.0.fmps.0 prog
    json classes.0.modules.0 "?"
    json classes.0.stack.1.fn leak_one
    json classes.0.stack.1.file buggy.c
    json classes.0.first_seen 2024-05-01T10:00:00Z
    json classes.0.last_seen 2024-05-07T10:00:00Z
    json classes.1.kind InvalidRead
    json classes.1.occurrences 7
    json classes.1.deployments.3 d6
    json truncated.0.deployment d6
    json truncated.0.errors 1
    ;;
html)
    run 0 --html page.html "${all[@]}"
    ranked
    has out "wrote page.html"
    has page.html "<svg"
    has page.html "#1 Leak_DefinitelyLost"
    has page.html "5/7 deployments, 6 occurrences, 384 bytes"
    has page.html "Truncated reports"
    has page.html "leak_one (buggy.c:"
    lacks page.html "<script"
    lacks page.html "src="
    lacks page.html "<link"
    lacks page.html "@import"
    # no address but the SVG namespace, which names and fetches nothing
    [ -z "$(grep -o '[a-z]*://[^"]*' page.html | grep -v '^http://www.w3.org/2000/svg$')" ] ||
        fail "page.html names an external resource"
    [ -z "$(ls -A | grep '^\.page' || true)" ] || fail "a temporary was left: $(ls -A)"
    ;;
archive)
    run 0 "${all[@]}"
    cp out dirs.out
    mkdir tars
    for d in "${all[@]}"; do tar czf "tars/$d.tar.gz" "$d"; done
    cd tars
    run 0 "${all[@]/%/.tar.gz}"
    ranked
    has out "  d6: d6.tar.gz:d6/prog.instance1."
    diff <(body out) <(body ../dirs.out) >/dev/null || fail "archives and dirs differ:
$(diff <(body out) <(body ../dirs.out))"
    ;;
twice)
    cp -a d1 d1copy
    run 0 d1 d3 d1copy
    has out "1 report given twice, counted once"
    has out "#1 Leak_DefinitelyLost: 2 of 2 deployments, 3 occurrences, 192 bytes"
    lacks out "d1copy"
    refused 2 "report: 'd1' is given twice" d1 d2 d1
    ;;
bad-inputs)
    refused 2 "report: no reports: give each deployment's reports dir or .tar.gz"
    refused 2 "report: unknown option '--bogus'" --bogus d1
    refused 2 "report: --db needs a value" d1 --db
    refused 1 "nosuch: No such file or directory" d1 nosuch
    echo notes >notes.txt
    refused 1 "notes.txt: neither a reports directory nor a .tar.gz archive" d1 notes.txt
    mkdir empty
    refused 1 "empty: no Valgrind XML report (*.xml) in this directory" d1 empty
    mkdir other && echo '{}' >other/trace.json
    refused 1 "other: no Valgrind XML report (*.xml) in this directory" other
    head -c 4096 /dev/urandom >random.tar.gz
    refused 1 "random.tar.gz: not a readable .tar.gz archive: " d1 random.tar.gz
    tar czf d1.tar.gz d1
    head -c 200 d1.tar.gz >cut.tar.gz
    refused 1 "cut.tar.gz: not a readable .tar.gz archive" d1 cut.tar.gz
    tar czf noxml.tar.gz other
    refused 1 "noxml.tar.gz: no Valgrind XML report (*.xml) in this archive" noxml.tar.gz
    f=$(basename foreign/*.xml)
    refused 1 "foreign/$f:6: a report of Valgrind's tool 'drd', not memcheck's or helgrind's" \
        d1 foreign
    has err "hint: fracture report reads memcheck's and helgrind's reports"
    mkdir html && printf '<?xml version="1.0"?>\n<html><body>x</body></html>\n' >html/a.1.xml
    refused 1 "html/a.1.xml:2:1: not a Valgrind XML report: its root element is <html>" html
    mkdir text && echo hello >text/a.1.xml
    refused 1 "text/a.1.xml:1:1: not a Valgrind XML report: Document is empty" text
    mkdir broken
    f=$(basename d2/*.xml)
    sed '20s/.*/<</' "d2/$f" >"broken/$f"
    refused 1 "broken/$f:20:2: broken XML before its end (not a cut-short report): StartTag: invalid element name" broken
    has err "hint: the file was damaged after Valgrind wrote it"
    # and in an archive: the member named
    tar czf broken.tar.gz broken
    refused 1 "broken.tar.gz:broken/$f:20:2: broken XML before its end" broken.tar.gz
    ;;
db)
    run 0 --db c.db d1 d2 d3
    has out "database: 4 reports merged now, 0 already there (not counted again)"
    # a tie on deployments: occurrences decide
    has out "#1 InvalidRead: 2 of 3 deployments, 4 occurrences"
    has out "#2 Leak_DefinitelyLost: 2 of 3 deployments, 3 occurrences, 192 bytes"
    # d1..d3 again with the rest: only the rest is new
    run 0 --db c.db "${all[@]}"
    has out "database: 4 reports merged now, 4 already there (not counted again)"
    ranked
    cp out db.out
    "$fr" report "${all[@]}" >plain.out
    diff <(body db.out) <(body plain.out) >/dev/null ||
        fail "the database's ranking differs from the files':
$(diff <(body db.out) <(body plain.out))"
    # no arguments: the ranking the database holds
    run 0 --db c.db
    has out "database: 0 reports merged now, 0 already there"
    ranked
    # the same report in an archive, under another deployment name: known
    tar czf d6.tar.gz d6
    run 0 --db c.db --json d6.tar.gz
    json database ON
    json merged 0
    json already_merged 1
    json classes.1.occurrences 7
    # a bad input: the database is left as it was
    sum=$(sha256sum c.db)
    mkdir empty
    refused 1 "empty: no Valgrind XML report (*.xml) in this directory" --db c.db d1 empty
    [ "$(sha256sum c.db)" = "$sum" ] || fail "c.db changed on error"
    refused 1 "empty: no Valgrind XML report (*.xml) in this directory" --db new.db empty
    [ ! -e new.db ] || fail "new.db made on error"
    echo "not a database" >text.db
    refused 1 "text.db: " --db text.db d1
    has err "file is not a database"
    [ "$(cat text.db)" = "not a database" ] || fail "text.db changed"
    ;;
postgresql)
    pg_start
    "$fr" report --db c.db "${all[@]}" >sqlite.out
    run 0 --db "$pguri" d1 d2 d3
    has out "database: 4 reports merged now, 0 already there (not counted again)"
    run 0 --db "$pguri" "${all[@]}"
    has out "database: 4 reports merged now, 4 already there (not counted again)"
    ranked
    diff <(body out) <(body sqlite.out) >/dev/null || fail "PostgreSQL and SQLite differ:
$(diff <(body out) <(body sqlite.out))"
    run 0 --db "$pguri"
    ranked
    run 0 --db "$pguri" --json d1
    json already_merged 1
    json classes.0.ndeployments 5
    refused 1 "postgresql:///nosuchdb?host=$tmp/pg&user=fracture: cannot connect" \
        --db "postgresql:///nosuchdb?host=$tmp/pg&user=fracture" d1
    # a password in the URI is never printed
    refused 1 "postgresql://fracture:***@/nosuchdb?host=$tmp/pg: cannot connect" \
        --db "postgresql://fracture:s3cret@/nosuchdb?host=$tmp/pg" d1
    lacks err "s3cret"
    # a database of another schema version is refused, and left alone
    as_pg "$pgbin/psql" -q -h "$tmp/pg" -U fracture -d postgres \
        -c "UPDATE fracture_schema SET version = 2" >/dev/null || fail "psql failed"
    refused 1 "$pguri: schema version 2, this fracture knows 1" --db "$pguri" d1
    has err "hint: use the fracture release that made it, or a new database"
    ;;
helgrind)
    run 0 helgrind/h1
    has out "#1 Race: 1 of 1 deployment"
    has out "signature: Race | bump | main"
    has out "    at bump (buggy.c:"
    ;;
through-fracture)
    # a sampled instance under memcheck, recycled: each incarnation's report
    mkdir run && cd run
    FRACTURE_CONFIG=$config "$ledger" leak >ledger.out 2>ledger.err ||
        { cat ledger.err; fail "the ledger failed"; }
    run 0 fracture-reports
    has out "#1 Leak_DefinitelyLost: 1 of 1 deployment"
    has out "module math, FMP maths"
    # the module boundary ends it: not the worker thread's frames past it
    line out "    signature: Leak_DefinitelyLost | malloc | math_sum | d_math_sum"
    has out "       math_sum (math.c:"
    lacks out "libfracture"
    lacks out "worker_main"
    lacks out "fr__"
    lacks out "rt/lib"
    ;;
*)
    fail "unknown case $case"
    ;;
esac
echo "ok: $case"
