#!/usr/bin/env bash
# Four validators and a full node, each in its own network namespace joined by veth links to a
# bridge that lives in another ("hub") namespace: only addresses inside those namespaces are used.
#   transactions flow -> a full node (no key share) starts late, backfills, serves the API with
#   the validators' state root, and a transaction submitted to it is finalized -> kill -9 one
#   validator -> the other three continue -> restart it -> it catches up -> a System vote makes
#   the full node a fifth validator, the group key reshared to it at an epoch boundary -> kill -9
#   validator 0: four of five go on, a quorum only with the new validator's votes -> (where tc
#   netem works) 80 ms of added latency slows finality but the chain never forks (same block
#   digest at every common height, the full node's included). Epochs are 20 blocks, so every
#   step also crosses epoch boundaries, where the validators reshare the key.
# Needs root and iproute2. Usage: scripts/e2e-netns.sh [path/to/aigov]
set -euo pipefail

BIN=$(realpath "${1:-target/release/aigov}")
WORK=$(mktemp -d)
TAG="ag$$"                       # short unique prefix for namespaces and links
# Nodes 0-3 are the validators, node 4 the full node.
NS=("${TAG}n0" "${TAG}n1" "${TAG}n2" "${TAG}n3" "${TAG}n4")
HUB="${TAG}hub"
IP=(10.77.0.10 10.77.0.11 10.77.0.12 10.77.0.13 10.77.0.20)
PIDS=("" "" "" "" "")
NODES=(0 1 2 3 4)

cleanup() {
  for p in "${PIDS[@]}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  for ns in "${NS[@]}" "$HUB"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "e2e-netns: FAIL: $*" >&2; for i in "${NODES[@]}"; do echo "--- node $i" >&2; tail -15 "$WORK/n$i.log" >&2 2>/dev/null || true; done; exit 1; }
step() { echo "== $*"; }

step "namespaces, bridge and veth links"
ip netns add "$HUB"
ip -n "$HUB" link add br0 type bridge
ip -n "$HUB" link set br0 up
ip -n "$HUB" link set lo up
for i in "${NODES[@]}"; do
  ip netns add "${NS[$i]}"
  ip link add "${TAG}v$i" type veth peer name "${TAG}p$i"
  ip link set "${TAG}v$i" netns "${NS[$i]}"
  ip link set "${TAG}p$i" netns "$HUB"
  ip -n "$HUB" link set "${TAG}p$i" master br0 up
  ip -n "${NS[$i]}" addr add "${IP[$i]}/24" dev "${TAG}v$i"
  ip -n "${NS[$i]}" link set "${TAG}v$i" up
  ip -n "${NS[$i]}" link set lo up
done
ip netns exec "${NS[3]}" python3 -m http.server 9999 --bind "${IP[3]}" >/dev/null 2>&1 &
HTTPD=$!; sleep 0.5
ip netns exec "${NS[0]}" curl -fsS --max-time 3 -o /dev/null "http://${IP[3]}:9999/" || fail "namespaces cannot reach each other"
kill "$HTTPD" 2>/dev/null || true

in_ns() { local i=$1; shift; ip netns exec "${NS[$i]}" "$@"; }
api() { echo "http://${IP[$1]}:8700"; }
health() { in_ns 0 curl -fsS --max-time 2 "$(api "$1")/v1/health" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["height"])' 2>/dev/null || echo -1; }
digest_at() { in_ns 0 curl -fsS --max-time 2 "$(api "$1")/v1/blocks/$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["header"]["digest"])'; }

step "testnet init (one host per namespace)"
BPE=20
"$BIN" testnet init --validators 4 --full-nodes 1 --dir "$WORK/tn" \
  --hosts "$(IFS=,; echo "${IP[*]:0:4}")" --full-node-hosts "${IP[4]}" \
  --p2p-base-port 30400 --api-base-port 8700 --chain-id aigov-netns --blocks-per-epoch "$BPE" \
  >"$WORK/init.txt" 2>&1 || { cat "$WORK/init.txt"; fail "testnet init"; }
tail -3 "$WORK/init.txt"
FKEY=$(sed -n 's/.*# full node \([0-9a-f]\{64\}\),.*/\1/p' "$WORK/init.txt")
[ -n "$FKEY" ] || fail "testnet init printed no full node key"
config_of() { if [ "$1" = 4 ]; then echo "$WORK/tn/fullnode0/config.json"; else echo "$WORK/tn/node$1/config.json"; fi; }

start() {
  local i=$1
  # `ip netns exec` execs the node, so $! is the validator itself (a shell function run in the
  # background would be a subshell, and killing it would leave the validator running).
  ip netns exec "${NS[$i]}" "$BIN" node run --config "$(config_of "$i")" >>"$WORK/n$i.log" 2>&1 &
  PIDS[$i]=$!
  disown "${PIDS[$i]}" 2>/dev/null || true
}
wait_height() { # node, min height, seconds
  for _ in $(seq 1 $(( $3 * 5 ))); do [ "$(health "$1")" -ge "$2" ] && return 0; sleep 0.2; done
  fail "node $1 did not reach height $2 within $3 s (at $(health "$1"))"
}
submit() { # node, key name
  "$BIN" --home "$WORK/tn" keys new "$2" >/dev/null
  in_ns "$1" "$BIN" --home "$WORK/tn" --node "$(api "$1")" --key "$2" --json \
    tx personnel register --member fr --role safety --tier 3 --name "$2" --timeout 60 \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["status"]=="finalized", d; print(d["receipt"]["height"])'
}
field_at() { # node, height, header field
  in_ns 0 curl -fsS --max-time 2 "$(api "$1")/v1/blocks/$2" | python3 -c "import json,sys; print(json.load(sys.stdin)['header']['$3'])"
}
same_chain() { # compare block digests at height h on every running node
  local h=$1 ref="" d
  for i in "$@"; do
    [ "$i" = "$h" ] && continue
    d=$(digest_at "$i" "$h") || fail "node $i has no block $h"
    [ -z "$ref" ] && ref=$d
    [ "$d" = "$ref" ] || fail "fork at height $h: node $i has $d, expected $ref"
  done
}

step "start 4 validators"
for i in 0 1 2 3; do start "$i"; done
for i in 0 1 2 3; do wait_height "$i" 3 60; done

step "transactions flow (submitted to different validators)"
for i in 0 1 2 3; do echo "tx via node $i finalized at height $(submit "$i" "flow$i")"; done

step "a full node starts late: it backfills, follows and serves the validators' state"
H=$(health 0)
start 4
wait_height 4 "$H" 120
# A proven read succeeds only if the full node's own database has the state root of its block
# at that height; that block must be the validators'.
FH=$(in_ns 0 curl -fsS --max-time 5 "$(api 4)/v1/state/pool?prove=true" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d.get("proof"), d; print(d["height"])') \
  || fail "the full node did not prove a read"
[ "$(field_at 4 "$FH" state_root)" = "$(field_at 0 "$FH" state_root)" ] \
  || fail "the full node's state root at height $FH differs from validator 0's"
echo "full node at height $FH: state root $(field_at 4 "$FH" state_root) (same as validator 0)"
echo "tx via the full node finalized at height $(submit 4 "viafull")"
same_chain "$(health 4)" 0 1 2 3 4

step "kill -9 validator 3: the other three continue"
kill -9 "${PIDS[3]}"; while kill -0 "${PIDS[3]}" 2>/dev/null; do sleep 0.05; done; PIDS[3]=""
pgrep -f "node3/config.json" >/dev/null && fail "validator 3 is still running after kill -9"
H3=$(health 3); [ "$H3" = -1 ] || fail "validator 3 still answers after kill -9 (height $H3)"
H=$(health 0)
echo "tx with node 3 down finalized at height $(submit 1 "down1")"
wait_height 0 $((H + 3)) 60

step "restart validator 3: it catches up"
start 3
wait_height 3 1 60
TARGET=$(health 0)
wait_height 3 "$TARGET" 120
wait_height 4 "$TARGET" 60
same_chain "$TARGET" 0 1 2 3 4
echo "node 3 caught up to height $TARGET with the same block"

step "a System vote makes the full node a validator (for member jp)"
cli() { local i=$1; shift; in_ns "$i" "$BIN" --home "$WORK/tn" --node "$(api "$i")" "$@"; }
gov_status() { cli 1 --json query gov proposal "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["value"]["status"])'; }
printf '{"add": [{"member": "jp", "key": "%s", "address": "%s:30400"}], "remove": []}\n' \
  "$FKEY" "${IP[4]}" >"$WORK/add.json"
cli 1 --key alice --json tx gov propose --class system --title "Make the full node a validator" \
  --description "It has followed the chain since its start." --action "set-validators:$WORK/add.json" \
  >"$WORK/sysprop.json" || fail "set-validators proposal: $(cat "$WORK/sysprop.json")"
PROP=$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
print(next(e["event"]["proposal"] for e in s["events"] if e["event"]["type"] == "proposal_submitted"))' "$WORK/sysprop.json")
for _ in $(seq 1 50); do [ "$(gov_status "$PROP")" = active ] && break; sleep 0.2; done
for who in alice dave; do cli 1 --key "$who" tx gov vote "$PROP" yes | tail -1; done
S=""
for _ in $(seq 1 180); do
  S=$(gov_status "$PROP"); [ "$S" = executed ] && break
  case "$S" in defeated|quorum_failed|expired|execution_failed|canceled) fail "proposal $PROP ended $S";; esac
  sleep 0.5
done
[ "$S" = executed ] || fail "proposal $PROP is $S after 90 s"
EH=$(health 1)
# State copies the committee as voted into epoch k+2's committee just before epoch k's
# midpoint; epoch e's committee receives its shares during e and signs from e+1. Both
# candidate snapshots exist once epoch k+1's midpoint has passed.
K=$((EH / BPE))
wait_height 1 $(( (K + 1) * BPE + BPE / 2 )) 120
committee_has() { # epoch, key
  cli 1 --json query validators --epoch "$1" --prove 2>/dev/null | python3 -c '
import json, sys
v = json.load(sys.stdin)["value"] or []
sys.exit(0 if sys.argv[1] in [x["key"] for x in v] else 1)' "$2"
}
if committee_has $((K + 2)) "$FKEY"; then E=$((K + 2)); elif committee_has $((K + 3)) "$FKEY"; then E=$((K + 3)); else
  fail "the new validator is in neither epoch $((K + 2))'s nor $((K + 3))'s committee"; fi
committee_has $((E - 1)) "$FKEY" && fail "epoch $((E - 1))'s committee was fixed before the vote"
JOIN=$(( (E + 1) * BPE ))
echo "set-validators executed by height $EH; epoch $E's committee (proven) has the new validator, which signs from height $JOIN"
wait_height 1 $((JOIN + 2)) 180
cli 1 query validators

step "kill -9 validator 0: four of five go on, a quorum only with the new validator"
kill -9 "${PIDS[0]}"; while kill -0 "${PIDS[0]}" 2>/dev/null; do sleep 0.05; done; PIDS[0]=""
H=$(health 1)
echo "tx with validator 0 down finalized at height $(submit 2 "joined2")"
wait_height 1 $((H + BPE + 3)) 120
same_chain "$(health 4)" 1 2 3 4
echo "validators 1-3 and the new one finalized $(( $(health 1) - H )) blocks without validator 0, across an epoch boundary"
start 0
TARGET=$(health 1)
wait_height 0 "$TARGET" 120
same_chain "$TARGET" 0 1 2 3 4
echo "validator 0 restarted and caught up to height $TARGET"

if ip netns exec "$HUB" tc qdisc add dev "${TAG}p0" root netem delay 80ms 2>/dev/null; then
  step "add 80 ms latency on every link: slower, never forked"
  for i in 1 2 3 4; do ip netns exec "$HUB" tc qdisc add dev "${TAG}p$i" root netem delay 80ms; done
  T0=$(date +%s%N)
  echo "tx under latency finalized at height $(submit 2 "slow2")"
  echo "finality under latency: $(( ($(date +%s%N) - T0) / 1000000 )) ms (including CLI start-up)"
  H=$(health 0); wait_height 3 "$H" 60; wait_height 4 "$H" 60
  same_chain "$H" 0 1 2 3 4
else
  echo "== tc netem not available here: skipping the latency check"
fi
echo "e2e-netns: PASS"
