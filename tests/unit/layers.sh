#!/bin/sh
# layers.sh LAYERS OBJECT|DIR ... - check that object files keep the layers
# of LAYERS (rt/lib/layers.txt says the format; DESIGN.md, "Runtime").
#
# "A uses B" when A has an undefined symbol that B defines (nm: U or w
# against T D B R C ..., a strong definition before a weak one).  Fails,
# with one line per offence that names the edge, the symbols that make it
# and what to do, when
#   - an object is in no layer (every new file must be placed);
#   - an edge goes from a lower layer to a higher one without an `up:` line;
#   - the edges, less the `up:` ones, form a cycle (inside one layer, or
#     across layers through the upward edges named before it).
# Passes with the layer table and the edge count.  Exit 0: the layers
# hold; 1: offences; 2: the input is wrong (LAYERS malformed, an object
# missing).
#
# Arguments after LAYERS are object files or directories searched for *.o;
# an argument may be a ';'-separated list (CMake's $<TARGET_OBJECTS:...>).
# An object's name is its file name less .o and .c (call.c.o: call).
# $NM overrides nm.  Needs only a POSIX shell, nm and awk.
set -u

if [ $# -lt 2 ]; then
    echo "usage: layers.sh LAYERS OBJECT|DIR ..." >&2
    exit 2
fi
layers=$1
shift
if [ ! -r "$layers" ]; then
    echo "layers.sh: cannot read $layers" >&2
    exit 2
fi
nm=${NM:-nm}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/layers.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

: >"$tmp/objs"
for arg in "$@"; do
    old_ifs=$IFS
    IFS=';'
    set -f
    for a in $arg; do
        if [ -d "$a" ]; then
            find "$a" -type f -name '*.o' >>"$tmp/objs"
        elif [ -f "$a" ]; then
            printf '%s\n' "$a" >>"$tmp/objs"
        else
            echo "layers.sh: no such object file or directory: $a" >&2
            exit 2
        fi
    done
    IFS=$old_ifs
    set +f
done

# name<TAB>path, by name, so that the output is the same on every run
while IFS= read -r o; do
    n=${o##*/}
    n=${n%.o}
    n=${n%.c}
    printf '%s\t%s\n' "$n" "$o"
done <"$tmp/objs" | LC_ALL=C sort >"$tmp/named"
if [ ! -s "$tmp/named" ]; then
    echo "layers.sh: no object files in: $*" >&2
    exit 2
fi

# The stream the checker reads: "O name path", then "S name symbol type"
# for each external symbol of the object (nm -P sorts them by name).
while IFS="	" read -r n o; do
    printf 'O %s %s\n' "$n" "$o"
    if ! "$nm" -P -g "$o" >"$tmp/nm"; then
        echo "layers.sh: $nm failed on $o" >&2
        exit 2
    fi
    awk -v n="$n" 'NF >= 2 && $1 !~ /:$/ { print "S", n, $1, $2 }' "$tmp/nm"
done <"$tmp/named" >"$tmp/stream" || exit 2

LC_ALL=C awk -v lfile="$layers" '
function trim(s) {
    sub(/^[ \t]+/, "", s)
    sub(/[ \t]+$/, "", s)
    return s
}

function bad(msg) {
    nerr++
    err[nerr] = lfile ":" FNR ": " msg
}

# One line of LAYERS.
function parse(   line, why, i, n, a, k, name, rest) {
    line = $0
    why = ""
    if ((i = index(line, "#")) > 0) {
        why = trim(substr(line, i + 1))
        line = substr(line, 1, i - 1)
    }
    line = trim(line)
    if (line == "")
        return
    if (line ~ /^up:/) {
        n = split(substr(line, 4), a, /->/)
        a[1] = trim(a[1])
        a[2] = trim(a[2])
        if (n != 2 || a[1] !~ /^[^ \t]+$/ || a[2] !~ /^[^ \t]+$/) {
            bad("an up: line is `up: FROM -> TO  # why`")
            return
        }
        if (why == "")
            bad("up: " a[1] " -> " a[2] " says no why (`# why` after it): only calls the design requires go up")
        nup++
        upfrom[nup] = a[1]
        upto[nup] = a[2]
        upline[nup] = FNR
        allowed[a[1], a[2]] = nup
        return
    }
    if (!match(line, /^[A-Za-z0-9_.-]+:/)) {
        bad("not `LAYER: file ...` nor `up: FROM -> TO  # why`: " line)
        return
    }
    name = substr(line, 1, RLENGTH - 1)
    rest = substr(line, RLENGTH + 1)
    for (k = 1; k <= nl; k++)
        if (lname[k] == name)
            bad("layer " name " twice")
    nl++
    lname[nl] = name
    lfiles[nl] = ""
    n = split(rest, a)
    for (k = 1; k <= n; k++) {
        if (a[k] in layer) {
            bad(a[k] " is in layer " lname[layer[a[k]]] " and in layer " name)
            continue
        }
        layer[a[k]] = nl
        lfiles[nl] = lfiles[nl] " " a[k]
    }
}

# The symbols of edge a -> b (node numbers), at most four of them.
function syms(a, b,   n, s, out, k) {
    n = split(esym[a, b], s, " ")
    out = s[1]
    for (k = 2; k <= n && k <= 4; k++)
        out = out ", " s[k]
    if (n > 4)
        out = out " +" (n - 4) " more"
    return out
}

function lay(v) {
    return (node[v] in layer) ? layer[node[v]] : 0
}

# Whether every symbol of edge a -> b is data (a variable, not code).
function alldata(a, b,   n, s, k) {
    n = split(esym[a, b], s, " ")
    for (k = 1; k <= n; k++)
        if (!(s[k] in isdata))
            return 0
    return 1
}

# Whether edge a -> b goes from a lower layer to a higher one.
function upward(a, b) {
    return lay(a) && lay(b) && lay(a) < lay(b)
}

# Tarjan: strongly connected components of the edges kept by keep(),
# numbered in comp[], sizes in csize[].
function keep(a, b) {
    if (mode == 1)
        return !upward(a, b)
    return !((node[a], node[b]) in allowed)
}

function visit(v,   i, w) {
    idx[v] = low[v] = ++counter
    stk[++sp] = v
    onstk[v] = 1
    for (i = 1; i <= deg[v]; i++) {
        w = succ[v, i]
        if (!keep(v, w))
            continue
        if (!(w in idx)) {
            visit(w)
            if (low[w] < low[v])
                low[v] = low[w]
        } else if (onstk[w] && idx[w] < low[v]) {
            low[v] = idx[w]
        }
    }
    if (low[v] == idx[v]) {
        ncomp++
        csize[ncomp] = 0
        do {
            w = stk[sp--]
            onstk[w] = 0
            comp[w] = ncomp
            csize[ncomp]++
        } while (w != v)
    }
}

function components(m,   v) {
    mode = m
    split("", idx)
    split("", low)
    split("", onstk)
    split("", comp)
    split("", csize)
    counter = sp = ncomp = 0
    for (v = 1; v <= nn; v++)
        if (!(v in idx))
            visit(v)
}

function offence(msg) {
    noff++
    print "layers: " msg
}

FNR == NR {
    parse()
    next
}

$1 == "O" {
    if ($2 in num) {
        print "layers.sh: two objects named " $2 ": " path[num[$2]] " and " substr($0, length($2) + 4) > "/dev/stderr"
        dup = 1
        next
    }
    nn++
    node[nn] = $2
    num[$2] = nn
    path[nn] = substr($0, length($2) + 4)
    next
}

$1 == "S" {
    if ($4 == "U" || $4 == "w" || $4 == "v") {
        nu++
        uobj[nu] = num[$2]
        usym[nu] = $3
    } else if ($4 == "W" || $4 == "V") {
        weak[$3] = weak[$3] " " num[$2]
    } else if ($4 ~ /^[ABCDGRSTiu]$/) {
        strong[$3] = strong[$3] " " num[$2]
    }
    if ($4 ~ /^[BCDGRSVbdgrs]$/)
        isdata[$3] = 1
    next
}

END {
    if (dup)
        exit 2
    for (i = 1; i <= nup; i++) {
        FNR = upline[i]
        f = upfrom[i]
        t = upto[i]
        if (!(f in layer) || !(t in layer))
            bad("up: " f " -> " t " names " ((f in layer) ? t : f) ", which is in no layer")
        else if (layer[f] >= layer[t])
            bad("up: " f " -> " t " does not go up (" lname[layer[f]] " -> " lname[layer[t]] "): take it out")
    }
    if (nl == 0) {
        FNR = 0
        bad("no layer")
    }
    if (nerr) {
        for (i = 1; i <= nerr; i++)
            print err[i] > "/dev/stderr"
        exit 2
    }

    # the edges, in the order of their first symbol
    for (i = 1; i <= nu; i++) {
        a = uobj[i]
        d = (usym[i] in strong) ? strong[usym[i]] : ((usym[i] in weak) ? weak[usym[i]] : "")
        n = split(d, ds, " ")
        for (k = 1; k <= n; k++) {
            b = ds[k] + 0
            if (b == a)
                continue
            if (!((a, b) in esym)) {
                ne++
                succ[a, ++deg[a]] = b
                esym[a, b] = usym[i]
            } else {
                esym[a, b] = esym[a, b] " " usym[i]
            }
        }
    }

    # objects in no layer, with the layers that would take them as they are
    for (v = 1; v <= nn; v++) {
        if (node[v] in layer)
            continue
        uses = ""; users = ""; lo = 1; hi = nl
        for (w = 1; w <= nn; w++) {
            if ((v, w) in esym) {
                uses = uses " " node[w]
                if (lay(w) > lo)
                    lo = lay(w)
            }
            if ((w, v) in esym) {
                users = users " " node[w]
                if (lay(w) && lay(w) < hi)
                    hi = lay(w)
            }
        }
        fit = lo <= hi ? (lo == hi ? "layer " lname[lo] " fits" : "layers " lname[lo] " to " lname[hi] " fit") \
                       : "no layer fits without an up: line"
        offence("in no layer: " node[v] " (" path[v] "): add it to a layer of " lfile \
                " (" fit "; it uses:" (uses == "" ? " nothing" : uses) "; used by:" (users == "" ? " nothing" : users) ")")
    }

    # upward edges
    for (a = 1; a <= nn; a++)
        for (b = 1; b <= nn; b++) {
            if (!((a, b) in esym))
                continue
            if (!lay(a) || !lay(b))
                continue
            if (lay(a) == lay(b))
                ninside++
            else if (lay(a) > lay(b))
                ndown++
            else if ((node[a], node[b]) in allowed) {
                nallowed++
                used[allowed[node[a], node[b]]] = 1
            } else {
                if (alldata(a, b))
                    todo = "move the definition of the data down to " lname[lay(a)] " or below"
                else
                    todo = "move what it uses down to " lname[lay(a)] " or below, or hand it down as a " \
                           "function pointer; if the design requires the call (a dispatcher runs user " \
                           "code), add `up: " node[a] " -> " node[b] "  # why` to " lfile
                offence("upward edge: " node[a] " (" lname[lay(a)] ") -> " node[b] " (" lname[lay(b)] ") uses " \
                        syms(a, b) ": a layer uses only those below it; " todo)
                nupward++
            }
        }

    # cycles without any upward edge: inside one layer (or through files
    # in no layer)
    components(1)
    for (c = 1; c <= ncomp; c++) {
        if (csize[c] < 2)
            continue
        members = ""; edges = ""; where = ""
        for (v = 1; v <= nn; v++) {
            if (comp[v] != c)
                continue
            members = members " " node[v]
            if (where == "")
                where = lay(v) ? lname[lay(v)] : ""
            else if (lay(v) && lname[lay(v)] != where)
                where = "-"
            for (w = 1; w <= nn; w++)
                if (comp[w] == c && (v, w) in esym && keep(v, w))
                    edges = edges (edges == "" ? "" : "; ") node[v] " -> " node[w] " (" syms(v, w) ")"
        }
        seen1[members] = 1
        offence("cycle " (where == "-" || where == "" ? "through files in no layer" : "in layer " where) ":" \
                members ": " edges ": the files of a layer use each other in an order; move functions " \
                "so that one of these edges goes, or merge the files if they are one concept")
    }

    # cycles that go up: one line each, after the upward edges that close them
    components(2)
    for (c = 1; c <= ncomp; c++) {
        if (csize[c] < 2)
            continue
        members = ""; ups = ""
        for (v = 1; v <= nn; v++) {
            if (comp[v] != c)
                continue
            members = members " " node[v]
            for (w = 1; w <= nn; w++)
                if (comp[w] == c && (v, w) in esym && upward(v, w) && keep(v, w))
                    ups = ups (ups == "" ? "" : ", ") node[v] " -> " node[w]
        }
        if (members in seen1)
            continue
        offence("cycle across layers (" csize[c] " files):" members ": it goes up through " \
                (ups == "" ? "files in no layer" : ups) "; fix the upward edges above and it goes")
    }

    print "layers: " lfile ", bottom up:"
    for (l = 1; l <= nl; l++) {
        have = ""; none = ""
        n = split(lfiles[l], fs, " ")
        for (k = 1; k <= n; k++)
            if (fs[k] in num)
                have = have " " fs[k]
            else
                none = none " " fs[k]
        printf "  %-10s%s%s\n", lname[l], have, none == "" ? "" : "   (no object:" none ")"
    }
    for (i = 1; i <= nup; i++)
        if (upfrom[i] in num && upto[i] in num)
            printf "  up: %s -> %s%s\n", upfrom[i], upto[i], used[i] ? "" : "   (no such edge: this up: line may go)"
    printf "layers: %d objects, %d edges (%d inside a layer, %d down, %d up by up: lines, %d up without)\n", \
           nn, ne, ninside, ndown, nallowed, nupward
    if (noff) {
        print "layers: FAIL: " noff " offences"
        exit 1
    }
    print "layers: ok"
}
' "$layers" "$tmp/stream"
