#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ynl_cli.sh - drive midway with the kernel's own YNL CLI, from the spec alone.
#
#   tools/vm/run -- selftests/ynl_cli.sh              (6.1, the default)
#   tools/vm/run --kernel 6.12 -- selftests/ynl_cli.sh
#
# Runs inside the test VM, as root, with midway.ko loaded. No midway code
# takes part on the user side: tools/net/ynl/cli.py of Linux 6.12 (extracted
# into build/linux-src/ by tools/deps.sh) reads
# Documentation/netlink/specs/midway.yaml and speaks to the module. If the
# spec and the module disagree on a number, a type or a name, this fails.
#
# The test topology, built in a fresh network namespace (so a fresh midway
# instance) and then taken apart again:
#
#      hv1 192.0.2.1 (local)          hv2 192.0.2.2
#
#   +-------------------+  P2 ~ P3  +-------------------+
#   | router "provider" |-----------| router "tenant"   |
#   | R1                | interior  | R2                |
#   +-------------------+   pair    +-------------------+
#        | P1 exterior, on hv2          routes: RT3 0/0 via P3 gw 169.254.0.1
#        | 10.0.0.1/24 key 100
#   routes: RT1 10.0.0.0/24 via P1, RT2 192.0.2.0/24 blackhole
#
# cli.py of 6.12 takes binary attributes as hex strings and IPv4 addresses
# as integers; it prints them back as UUIDs, MACs and dotted quads, as the
# spec's display hints say. Output is TAP; exit 0 pass, 1 fail, 4 skip.
#
# Python starts slowly under TCG (seconds per cli.py call, more for
# jsonschema), so the spec is validated against the schema once (the host
# side selftests/spec_check.py does it too), independent creations share a
# netlink payload (cli.py --multi), and the checks of the JSON output run in
# one Python coprocess.

set -u

KSFT_PASS=0 KSFT_FAIL=1 KSFT_SKIP=4

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$ROOT" || exit $KSFT_FAIL
SELF=$ROOT/selftests/ynl_cli.sh

PY=/usr/bin/python3
LSRC=${MW_LINUX_SRC:-$ROOT/build/linux-src}
CLI=$LSRC/tools/net/ynl/cli.py
SPEC=$ROOT/Documentation/netlink/specs/midway.yaml

# ------------------------------------------------------------------ TAP

ntest=0
nfail=0

tap_skip_all() {
	echo "TAP version 13"
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

# ok CONDITION-STATUS DESCRIPTION [DIAGNOSTIC-FILE]
ok() {
	local st=$1 desc=$2 file=${3:-}

	ntest=$((ntest + 1))
	if [ "$st" -eq 0 ]; then
		echo "ok $ntest - $desc"
	else
		nfail=$((nfail + 1))
		echo "not ok $ntest - $desc"
		[ -n "$file" ] && [ -s "$file" ] && sed 's/^/#   /' "$file" | head -40
	fi
	return "$st"
}

skip() {
	ntest=$((ntest + 1))
	echo "ok $ntest - $1 # SKIP $2"
}

# ------------------------------------------------------------ preconditions

[ -x "$PY" ] || tap_skip_all "$PY missing"
[ -f "$CLI" ] || tap_skip_all "$CLI missing (run tools/deps.sh)"
[ -f "$SPEC" ] || tap_skip_all "$SPEC missing"
"$PY" -c 'import yaml' 2>/dev/null || tap_skip_all "python3-yaml missing"
[ "$(id -u)" -eq 0 ] || tap_skip_all "must run as root (in the test VM)"
[ -d /sys/module/midway ] || tap_skip_all "midway.ko is not loaded"

# The spec names its protocol; the schema of that protocol comes with the
# kernel sources. cli.py would look for it next to the spec's directory.
PROTO=$("$PY" -c 'import sys, yaml
print(yaml.safe_load(open(sys.argv[1])).get("protocol", "genetlink"))' "$SPEC")
SCHEMA=$LSRC/Documentation/netlink/$PROTO.yaml
SCHEMA_OK=
[ -f "$SCHEMA" ] && "$PY" -c 'import jsonschema' 2>/dev/null && SCHEMA_OK=1

# A fresh network namespace holds a fresh midway instance: run there.
if [ -z "${MW_YNL_NETNS:-}" ]; then
	if unshare --net true 2>/dev/null; then
		MW_YNL_NETNS=1 exec unshare --net "$SELF" "$@"
	fi
	echo "# could not create a network namespace, using the current one" >&2
fi

TMP=$(mktemp -d /tmp/ynl_cli.XXXXXX) || exit $KSFT_FAIL
LISTENER=
# shellcheck disable=SC2317  # called by the trap
cleanup() {
	[ -n "$LISTENER" ] && kill "$LISTENER" 2>/dev/null
	[ -n "${CHK_PID:-}" ] && kill "$CHK_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

# ------------------------------------------------------------------ helpers

# ynl OUT ARGS...: run cli.py with JSON output, stdout+stderr to OUT.
ynl() {
	local out=$1
	shift
	"$PY" "$CLI" --spec "$SPEC" --no-schema --output-json "$@" >"$out" 2>&1
}

hex() { echo "${1//-/}"; }

ip2int() {
	local a b c d
	IFS=. read -r a b c d <<<"$1"
	echo $(((a << 24) | (b << 16) | (c << 8) | d))
}

# The checker: a Python coprocess evaluating expressions over cli.py's JSON
# output. For each "OUT<TAB>EXPR" line it reads, it answers 0 (true) or 1,
# and on failure writes the expression, its result and OUT to OUT.why for
# the TAP diagnostics. In EXPR, d is the output (one JSON document, or the
# list of them if there are several lines); one(l, k=v) is the only element
# of l with those values (k_v stands for k-v); has(l, k=v) tells if there
# is one; ntfs(name) lists the notifications of that name in a --subscribe
# output; the object names (R1, P1, ...) are ids in the form cli.py prints.
cat >"$TMP/check.py" <<'EOF'
import json, os, sys

ids = dict(kv.split('=', 1) for kv in os.environ['MW_IDS'].split())

def load(path):
    docs = []
    for line in open(path):
        line = line.strip()
        if line:
            try:
                docs.append(json.loads(line))
            except ValueError:
                raise ValueError(f'not JSON: {line[:200]}')
    return docs

def match(x, kw):
    return all(x.get(k.replace('_', '-')) == v for k, v in kw.items())

def one(l, **kw):
    m = [x for x in l if match(x, kw)]
    if len(m) != 1:
        raise AssertionError(f'{len(m)} elements match {kw}')
    return m[0]

def has(l, **kw):
    return any(match(x, kw) for x in l)

for line in sys.stdin:
    out, expr = line.rstrip('\n').split('\t', 1)
    d = docs = None
    try:
        docs = load(out)
        d = docs[0] if len(docs) == 1 else docs
        q = docs[-1] if docs and isinstance(docs[-1], list) else []
        ntfs = lambda name, q=q: [n['msg'] for n in q if n.get('name') == name]
        g = dict(ids, d=d, docs=docs, one=one, has=has, ntfs=ntfs)
        res = eval('(' + expr + ')', g)
    except Exception as e:
        res = f'{type(e).__name__}: {e}'
    if res is not True:
        with open(out + '.why', 'w') as f:
            print('check:', expr, file=f)
            print('result:', res, file=f)
            print('output:', json.dumps(d, indent=1)[:3000], file=f)
    print(0 if res is True else 1, flush=True)
EOF

# check OUT EXPR: ask the checker.
check() {
	local out=$1 expr=$2 res=

	expr=${expr//$'\n'/ }
	expr=${expr//$'\t'/ }
	rm -f "$out.why"
	printf '%s\t%s\n' "$out" "$expr" >&"${CHK[1]}" &&
		read -r res <&"${CHK[0]}"
	[ "$res" = 0 ] && return 0
	[ -n "$res" ] || echo "the checker died" >>"$out.why"
	return 1
}

# run_ok DESC OUT ARGS...: a cli.py call that must succeed.
run_ok() {
	local desc=$1 out=$2
	shift 2
	ynl "$out" "$@"
	ok $? "$desc" "$out"
}

# run_err DESC OUT ERRNO-TEXT ARGS...: a call that must fail with that error.
run_err() {
	local desc=$1 out=$2 want=$3 st
	shift 3
	ynl "$out" "$@"
	st=$?
	if [ $st -eq 0 ] || ! grep -q "Netlink error: $want" "$out"; then
		echo "expected 'Netlink error: $want', exit status $st" >>"$out"
		ok 1 "$desc" "$out"
	else
		ok 0 "$desc"
	fi
}

# expect DESC OUT EXPR: check a previous output.
expect() {
	check "$2" "$3"
	ok $? "$1" "$2.why"
}

# ------------------------------------------------------------- the objects

R1=11111111-0000-4000-8000-000000000001
R2=11111111-0000-4000-8000-000000000002
H1=22222222-0000-4000-8000-000000000001
H2=22222222-0000-4000-8000-000000000002
H3=22222222-0000-4000-8000-000000000003
P1=33333333-0000-4000-8000-000000000001
P2=33333333-0000-4000-8000-000000000002
P3=33333333-0000-4000-8000-000000000003
RT1=44444444-0000-4000-8000-000000000001
RT2=44444444-0000-4000-8000-000000000002
RT3=44444444-0000-4000-8000-000000000003
NOPE=55555555-0000-4000-8000-000000000000
export MW_IDS="R1=$R1 R2=$R2 H1=$H1 H2=$H2 H3=$H3 P1=$P1 P2=$P2 P3=$P3 RT1=$RT1 RT2=$RT2 RT3=$RT3"

coproc CHK { exec "$PY" -u "$TMP/check.py"; }

echo "TAP version 13"
echo "# cli.py: $CLI"
echo "# spec:   $SPEC"
echo "# kernel: $(uname -r)"

o=$TMP/out

# --------------------------------------------------------------- creation

if [ -n "$SCHEMA_OK" ]; then
	"$PY" "$CLI" --spec "$SPEC" --schema "$SCHEMA" --list-ops >"$o.schema" 2>&1
	ok $? "cli.py validates the spec against $PROTO.yaml" "$o.schema"
else
	skip "cli.py validates the spec against the schema" \
		"no $SCHEMA or no python3-jsonschema"
fi

t0=$(date +%s%N)
run_ok "router-new provider" "$o.r1" --do router-new \
	--json "{\"id\": \"$(hex $R1)\", \"name\": \"provider\"}"
t_call=$((($(date +%s%N) - t0) / 1000000))
echo "# one cli.py call took $t_call ms"

# Independent creations go in one payload each (cli.py --multi).
run_ok "router-new tenant, host-new hv1 (local) and hv2" "$o.h" \
	--multi router-new \
	"{\"id\": \"$(hex $R2)\", \"name\": \"tenant\", \"admin-up\": 1}" \
	--multi host-new \
	"{\"id\": \"$(hex $H1)\", \"name\": \"hv1\",
	  \"addr\": $(ip2int 192.0.2.1), \"local\": 1}" \
	--multi host-new \
	"{\"id\": \"$(hex $H2)\", \"name\": \"hv2\", \"addr\": $(ip2int 192.0.2.2)}"

run_ok "port-new P1 exterior on hv2, P2 interior, P3 interior peer of P2" \
	"$o.p" \
	--multi port-new \
	"{\"id\": \"$(hex $P1)\", \"router-id\": \"$(hex $R1)\",
	  \"kind\": \"exterior\", \"name\": \"vm1\",
	  \"mac\": \"020000000001\", \"addr\": $(ip2int 10.0.0.1),
	  \"prefixlen\": 24, \"tunnel-key\": 100, \"host-id\": \"$(hex $H2)\"}" \
	--multi port-new \
	"{\"id\": \"$(hex $P2)\", \"router-id\": \"$(hex $R1)\",
	  \"kind\": \"interior\"}" \
	--multi port-new \
	"{\"id\": \"$(hex $P3)\", \"router-id\": \"$(hex $R2)\",
	  \"kind\": \"interior\", \"peer-id\": \"$(hex $P2)\",
	  \"addr\": $(ip2int 169.254.0.2), \"prefixlen\": 30}"

run_ok "route-new RT1 10/24 via P1, RT2 192.0.2/24 blackhole, RT3 0/0 via P3" \
	"$o.rt" \
	--multi route-new \
	"{\"id\": \"$(hex $RT1)\", \"router-id\": \"$(hex $R1)\",
	  \"dst\": $(ip2int 10.0.0.0), \"dst-len\": 24,
	  \"nh-type\": \"port\", \"port-id\": \"$(hex $P1)\"}" \
	--multi route-new \
	"{\"id\": \"$(hex $RT2)\", \"router-id\": \"$(hex $R1)\",
	  \"dst\": $(ip2int 192.0.2.0), \"dst-len\": 24,
	  \"nh-type\": \"blackhole\", \"weight\": 7}" \
	--multi route-new \
	"{\"id\": \"$(hex $RT3)\", \"router-id\": \"$(hex $R2)\",
	  \"dst\": 0, \"dst-len\": 0, \"nh-type\": \"port\",
	  \"port-id\": \"$(hex $P3)\", \"gateway\": $(ip2int 169.254.0.1)}"

# ------------------------------------------------------------------ dumps

run_ok "dump router-get" "$o.dr" --dump router-get
expect "routers dumped with names, state and counts" "$o.dr" \
	"len(d) == 2 and
	 one(d, id=R1, name='provider', admin_up=1)['n-ports'] == 2 and
	 one(d, id=R1)['n-routes'] == 2 and
	 one(d, id=R2, name='tenant', admin_up=1)['n-ports'] == 1 and
	 one(d, id=R2)['n-routes'] == 1"

run_ok "do router-get provider" "$o.gr" --do router-get \
	--json "{\"id\": \"$(hex $R1)\"}"
expect "router-get replies with the router" "$o.gr" \
	"d['id'] == R1 and d['name'] == 'provider' and d['n-ports'] == 2"

run_ok "dump host-get" "$o.dh" --dump host-get
expect "hosts dumped with addresses and the local flag" "$o.dh" \
	"len(d) == 2 and
	 one(d, id=H1, name='hv1', addr='192.0.2.1').get('local') == 1 and
	 one(d, id=H2, name='hv2', addr='192.0.2.2').get('local', 0) == 0"

run_ok "dump port-get" "$o.dp" --dump port-get
expect "exterior port P1 dumped as created, and up" "$o.dp" \
	"len(d) == 3 and
	 one(d, id=P1)['router-id'] == R1 and
	 one(d, id=P1)['kind'] == 'exterior' and
	 one(d, id=P1)['name'] == 'vm1' and
	 one(d, id=P1)['mac'] == '02:00:00:00:00:01' and
	 one(d, id=P1)['addr'] == '10.0.0.1' and
	 one(d, id=P1)['prefixlen'] == 24 and
	 one(d, id=P1)['tunnel-key'] == 100 and
	 one(d, id=P1)['host-id'] == H2 and
	 one(d, id=P1)['admin-up'] == 1 and
	 one(d, id=P1)['oper-up'] == 1"
expect "interior ports P2 and P3 name each other, and are up" "$o.dp" \
	"one(d, id=P2)['peer-id'] == P3 and one(d, id=P3)['peer-id'] == P2 and
	 one(d, id=P2)['kind'] == 'interior' and
	 one(d, id=P3)['addr'] == '169.254.0.2' and
	 one(d, id=P2)['oper-up'] == 1 and one(d, id=P3)['oper-up'] == 1"
expect "tunnel keys are allocated, unique and in 1..0xffffff" "$o.dp" \
	"len({p['tunnel-key'] for p in d}) == 3 and
	 all(1 <= p['tunnel-key'] <= 0xffffff for p in d)"
expect "MACs are allocated when not given (locally administered)" "$o.dp" \
	"all(int(p['mac'][:2], 16) & 3 == 2 for p in d)"

run_ok "dump port-get of tenant" "$o.dp2" --dump port-get \
	--json "{\"router-id\": \"$(hex $R2)\"}"
expect "the filtered dump holds the tenant's port only" "$o.dp2" \
	"[p['id'] for p in d] == [P3]"

run_ok "dump route-get" "$o.drt" --dump route-get
expect "routes dumped as created, all active" "$o.drt" \
	"len(d) == 3 and
	 one(d, id=RT1, router_id=R1, dst='10.0.0.0', dst_len=24,
	     nh_type='port', port_id=P1, active=1)['weight'] == 100 and
	 one(d, id=RT2, dst='192.0.2.0', nh_type='blackhole')['weight'] == 7 and
	 one(d, id=RT2)['active'] == 1 and
	 one(d, id=RT3, router_id=R2, dst='0.0.0.0', dst_len=0,
	     gateway='169.254.0.1', port_id=P3)['active'] == 1"

run_ok "dump route-get of provider" "$o.drt2" --dump route-get \
	--json "{\"router-id\": \"$(hex $R1)\"}"
expect "the filtered dump holds the provider's routes only" "$o.drt2" \
	"sorted(r['id'] for r in d) == sorted([RT1, RT2])"

# ---------------------------------------------------------------- events

# A second process listens on "events" while this one makes changes:
# cli.py subscribes, sleeps, then prints what was queued. Wait until it is
# asleep (subscribed) before changing anything. (A --do with --subscribe in
# one process would not do: a notification that carries the request's
# sequence number is taken for the reply.)
sleep_s=$((3 + 3 * t_call / 1000))
"$PY" "$CLI" --spec "$SPEC" --no-schema --output-json \
	--subscribe events --sleep $sleep_s >"$o.ev" 2>&1 &
LISTENER=$!
for _ in $(seq 300); do
	# clock_nanosleep (230) or nanosleep (35): in time.sleep()
	case $(cut -d' ' -f1 "/proc/$LISTENER/syscall" 2>/dev/null) in
	230 | 35) break ;;
	esac
	sleep 0.1
done

run_ok "host-new, host-del hv3; router-set tenant down; route-del RT2; port-set P1 down" \
	"$o.chg" \
	--multi host-new \
	"{\"id\": \"$(hex $H3)\", \"addr\": $(ip2int 192.0.2.3)}" \
	--multi host-del "{\"id\": \"$(hex $H3)\"}" \
	--multi router-set "{\"id\": \"$(hex $R2)\", \"admin-up\": 0}" \
	--multi route-del "{\"id\": \"$(hex $RT2)\"}" \
	--multi port-set \
	"{\"id\": \"$(hex $P1)\", \"name\": \"vm1-down\", \"admin-up\": 0}"

wait $LISTENER
ok $? "listener on events ran" "$o.ev"
LISTENER=
expect "host-new and host-del are notified" "$o.ev" \
	"one(ntfs('host-new-ntf'), id=H3)['addr'] == '192.0.2.3' and
	 one(ntfs('host-del-ntf'), id=H3)['addr'] == '192.0.2.3'"
expect "router-set is notified with the whole router" "$o.ev" \
	"one(ntfs('router-set-ntf'), id=R2)['admin-up'] == 0 and
	 one(ntfs('router-set-ntf'), id=R2)['name'] == 'tenant'"
expect "route-del is notified with the route as it was" "$o.ev" \
	"one(ntfs('route-del-ntf'), id=RT2)['nh-type'] == 'blackhole'"
expect "port-set is notified" "$o.ev" \
	"one(ntfs('port-set-ntf'), id=P1)['name'] == 'vm1-down'"
expect "port-state tells that P1, P2 and P3 went down" "$o.ev" \
	"all(has(ntfs('port-state'), id=p, oper_up=0) for p in (P1, P2, P3))"

run_ok "dump port-get after the changes" "$o.dp3" --dump port-get
expect "ports are down: P1 admin-down, P2 and P3 with tenant down" "$o.dp3" \
	"all(one(d, id=p)['oper-up'] == 0 for p in (P1, P2, P3)) and
	 one(d, id=P1)['admin-up'] == 0 and one(d, id=P2)['admin-up'] == 1"
run_ok "dump route-get after the changes" "$o.drt3" --dump route-get
expect "routes via down ports are kept, inactive" "$o.drt3" \
	"len(d) == 2 and one(d, id=RT1)['active'] == 0 and
	 one(d, id=RT3)['active'] == 0"

# ---------------------------------------------------------------- errors

run_err "router-new with an existing id: EEXIST" "$o.e1" "File exists" \
	--do router-new --json "{\"id\": \"$(hex $R1)\"}"
grep -q "'bad-attr': '.id'" "$o.e1"
ok $? "the EEXIST error points at the id attribute" "$o.e1"
run_err "port-new on a missing router: ENOENT" "$o.e2" \
	"No such file or directory" --do port-new \
	--json "{\"id\": \"$(hex $NOPE)\", \"router-id\": \"$(hex $NOPE)\",
		 \"kind\": \"interior\"}"
run_err "route-new with bits beyond the prefix: EINVAL" "$o.e3" \
	"Invalid argument" --do route-new \
	--json "{\"id\": \"$(hex $NOPE)\", \"router-id\": \"$(hex $R1)\",
		 \"dst\": $(ip2int 10.0.0.1), \"dst-len\": 24,
		 \"nh-type\": \"blackhole\"}"
run_err "router-del of a router with ports: EBUSY" "$o.e4" \
	"Device or resource busy" --do router-del \
	--json "{\"id\": \"$(hex $R1)\"}"
grep -q "'msg'" "$o.e4" || grep -q '"msg"' "$o.e4"
ok $? "the EBUSY error carries an extended ack message" "$o.e4"

# The user "nobody" may not read build/: give it a copy of the CLI.
if command -v setpriv >/dev/null; then
	mkdir -p "$TMP/ro" && cp -r "$(dirname "$CLI")/cli.py" \
		"$(dirname "$CLI")/lib" "$SPEC" "$TMP/ro/" &&
		chmod -R a+rX "$TMP"
	NCLI=$TMP/ro/cli.py NSPEC=$TMP/ro/$(basename "$SPEC")
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$PY" "$NCLI" --spec "$NSPEC" --no-schema --output-json \
		--dump router-get >"$o.np1" 2>&1
	ok $? "an unprivileged user may dump routers" "$o.np1"
	! setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$PY" "$NCLI" --spec "$NSPEC" --no-schema --output-json \
		--do router-new --json "{\"id\": \"$(hex $NOPE)\"}" \
		>"$o.np2" 2>&1 && grep -q "Operation not permitted" "$o.np2"
	ok $? "an unprivileged user may not create a router: EPERM" "$o.np2"
else
	skip "an unprivileged user may dump routers" "no setpriv"
	skip "an unprivileged user may not create a router" "no setpriv"
fi

# GENL_UNS_ADMIN_PERM: root of a user namespace owns its own netns.
# (Not possible in tools/vm/run's guest: it runs the command in a chroot,
# where unshare(CLONE_NEWUSER) fails with EPERM.)
if unshare --user --map-root-user --net true 2>"$o.uns"; then
	unshare --user --map-root-user --net \
		"$PY" "$CLI" --spec "$SPEC" --no-schema --output-json \
		--do router-new --json "{\"id\": \"$(hex $NOPE)\"}" \
		>"$o.uns" 2>&1
	ok $? "root of a user namespace may create a router in its netns" "$o.uns"
else
	skip "root of a user namespace may create a router in its netns" \
		"$(head -c 200 "$o.uns" | tr '\n' ' ')"
fi

# --------------------------------------------------------------- teardown

run_ok "router-del provider with cascade" "$o.d1" --do router-del \
	--json "{\"id\": \"$(hex $R1)\", \"cascade\": true}"
run_ok "dump port-get after the cascade" "$o.dp4" --dump port-get
expect "the provider's ports are gone, P3 is unpeered" "$o.dp4" \
	"[p['id'] for p in d] == [P3] and 'peer-id' not in d[0]"
run_ok "dump route-get after the cascade" "$o.drt4" --dump route-get
expect "the provider's routes are gone" "$o.drt4" \
	"[r['id'] for r in d] == [RT3]"
run_ok "router-del tenant with cascade, host-del hv1 and hv2" "$o.d2" \
	--multi router-del "{\"id\": \"$(hex $R2)\", \"cascade\": true}" \
	--multi host-del "{\"id\": \"$(hex $H1)\"}" \
	--multi host-del "{\"id\": \"$(hex $H2)\"}"
for obj in router port route host; do
	ynl "$o.empty" --dump $obj-get
	check "$o.empty" "d == []"
	ok $? "no $obj left" "$o.empty.why"
done

echo "1..$ntest"
echo "# $((ntest - nfail)) passed, $nfail failed"
[ $nfail -eq 0 ] && exit $KSFT_PASS
exit $KSFT_FAIL
