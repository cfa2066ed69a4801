#!/usr/bin/env bash
# End to end on a real single-validator dev chain, through the binary a user runs:
#   start `aigov dev` -> health -> new key -> register personnel (sponsored) -> finalized
#   -> query with --prove --out -> `aigov verify` passes -> one changed byte fails
#   -> every rejection path over HTTP -> kill -9 -> restart -> nothing lost, chain continues
#   -> governance: alice proposes to vet the newcomer, alice and bob (two members) vote yes,
#      tally, confirm, timelock, execution -> the newcomer is Active -> decision record
#      -> the executed proposal proven and verified offline.
#   -> compute: hardware registered, inspected, approved; a model approved; a run on it gets
#      OTK permits bound to the device key; a permit proven offline; usage reports drip more.
# Usage: scripts/e2e-dev.sh [path/to/aigov]   (default: target/release/aigov)
set -euo pipefail

BIN=${1:-target/release/aigov}
BIN=$(realpath "$BIN")
WORK=$(mktemp -d)
PORT=$((20000 + RANDOM % 20000))
NODE="http://127.0.0.1:$PORT"
export AIGOV_NODE=$NODE AIGOV_HOME=$WORK/data
PID=""
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

fail() { echo "e2e-dev: FAIL: $*" >&2; [ -f "$WORK/node.log" ] && tail -40 "$WORK/node.log" >&2; exit 1; }
step() { echo "== $*"; }

height() { curl -fsS "$NODE/v1/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["height"])'; }

start_node() {
  "$BIN" dev --data-dir "$WORK/data" --listen "127.0.0.1:$PORT" >>"$WORK/node.log" 2>&1 &
  PID=$!
  disown "$PID" 2>/dev/null || true
  for _ in $(seq 1 100); do
    if curl -fsS "$NODE/v1/health" >/dev/null 2>&1 && [ "$(height)" -ge 1 ]; then return 0; fi
    kill -0 "$PID" 2>/dev/null || fail "node exited during start"
    sleep 0.2
  done
  fail "node did not serve /v1/health within 20 s"
}


step "start aigov dev"
start_node
curl -fsS "$NODE/v1/health"; echo

step "create a key and register it as personnel"
"$BIN" keys new newcomer
T0=$(date +%s%N)
"$BIN" --key newcomer tx personnel register --member fr --role safety --tier 2 --name "Ada Newcomer" | tee "$WORK/register.txt"
T1=$(date +%s%N)
echo "register -> finalized in $(( (T1 - T0) / 1000000 )) ms"
grep -q "succeeded" "$WORK/register.txt" || fail "registration did not succeed"
"$BIN" --key newcomer --json query personnel | python3 -c 'import json,sys; v=json.load(sys.stdin)["value"]; assert v["status"]=="pending", v' \
  || fail "personnel is not pending"

step "registering twice fails with its own code and still pays gas"
set +e; "$BIN" --key newcomer tx personnel register --member fr --role safety --tier 2 --name "Ada" >"$WORK/twice.txt"; rc=$?; set -e
[ "$rc" = 1 ] || fail "second registration exit code $rc, expected 1"
grep -q already_registered "$WORK/twice.txt" || fail "second registration did not report already_registered"

step "prove the record, verify offline, tamper one byte"
"$BIN" --key newcomer query personnel --prove --out "$WORK/proof.json" >/dev/null
"$BIN" verify "$WORK/proof.json" --genesis "$WORK/data/genesis.json" || fail "valid proof rejected"
python3 - "$WORK/proof.json" "$WORK/bad.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
v = bytearray.fromhex(p["value"]); v[-1] ^= 1; p["value"] = v.hex()
json.dump(p, open(sys.argv[2], "w"))
PY
set +e; "$BIN" verify "$WORK/bad.json" --genesis "$WORK/data/genesis.json"; rc=$?; set -e
[ "$rc" = 1 ] || fail "tampered proof: exit code $rc, expected 1"
"$BIN" query personnel 0000000000000000000000000000000000000000000000000000000000000001 --prove --out "$WORK/absent.json" >/dev/null 2>&1 \
  || true
[ -f "$WORK/absent.json" ] && { "$BIN" verify "$WORK/absent.json" --genesis "$WORK/data/genesis.json" || fail "absence proof rejected"; }

step "rejections over HTTP each carry their own code"
post() { curl -s -o "$WORK/resp.json" -w '%{http_code}' -H 'content-type: application/json' -d "$1" "$NODE/v1/txs"; }
code_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["code"])' "$WORK/resp.json"; }
[ "$(post '{"tx":"zz"}')" = 400 ] || fail "bad hex not 400"
[ "$(post '{"tx":"00"}')" = 400 ] && [ "$(code_of)" = tx_undecodable ] || fail "undecodable: $(cat "$WORK/resp.json")"
BIG=$(python3 -c 'print("00"*5000)')
[ "$(post "{\"tx\":\"$BIG\"}")" = 400 ] && [ "$(code_of)" = tx_oversized ] || fail "oversized: $(cat "$WORK/resp.json")"

step "kill -9 and restart: nothing finalized is lost"
H1=$(height)
EV1=$(curl -fsS "$NODE/v1/events?from=0&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["log_size"])')
kill -9 "$PID"; while kill -0 "$PID" 2>/dev/null; do sleep 0.05; done; PID=""
start_node
H2=$(height)
[ "$H2" -ge "$H1" ] || fail "height went back from $H1 to $H2"
EV2=$(curl -fsS "$NODE/v1/events?from=0&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["log_size"])')
[ "$EV2" -ge "$EV1" ] || fail "events lost: $EV1 -> $EV2"
"$BIN" --key newcomer --json query personnel | python3 -c 'import json,sys; assert json.load(sys.stdin)["value"]["status"]=="pending"' \
  || fail "personnel record lost across restart"
sleep 2.5
H3=$(height)
[ "$H3" -gt "$H2" ] || fail "chain did not continue after restart ($H2 -> $H3)"
echo "heights: before kill $H1, after restart $H2, then $H3; events $EV1 -> $EV2"

# Governance: the dev preset votes in seconds (2 s delay, 30 s vote, 5 s confirm, 5 s timelock).
gov_status() { "$BIN" --json query gov proposal "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["value"]["status"])'; }

step "governance: alice (policy, tier 1, fr) proposes to vet the newcomer (review class)"
echo "Ada Newcomer: credentials checked by the French delegation." >"$WORK/vetting.md"
G0=$(date +%s)
"$BIN" --key alice --json tx gov propose --class review --title "Vet Ada Newcomer" \
  --description-file "$WORK/vetting.md" --action activate-personnel:newcomer >"$WORK/propose.json" \
  || fail "proposal failed: $(cat "$WORK/propose.json")"
PROP=$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
print(next(e["event"]["proposal"] for e in s["events"] if e["event"]["type"] == "proposal_submitted"))' "$WORK/propose.json")
"$BIN" query gov proposal "$PROP"

step "a Pending newcomer may not vote: refused at admission (not_active_personnel)"
set +e; "$BIN" --key newcomer tx gov vote "$PROP" yes 2>"$WORK/refused.txt"; rc=$?; set -e
cat "$WORK/refused.txt"
[ "$rc" = 2 ] && grep -q not_active_personnel "$WORK/refused.txt" || fail "newcomer's vote: exit $rc"

step "personnel of two members vote yes: alice (fr, with a rationale) and bob (de)"
for _ in $(seq 1 50); do [ "$(gov_status "$PROP")" = active ] && break; sleep 0.2; done
[ "$(gov_status "$PROP")" = active ] || fail "proposal $PROP did not open for votes"
"$BIN" --key alice tx gov vote "$PROP" yes --rationale-file "$WORK/vetting.md" | tail -1
"$BIN" --key bob tx gov vote "$PROP" yes | tail -1
"$BIN" query gov tally "$PROP"

step "wait for the tally, the confirm period, the timelock and execution"
LAST=""
for _ in $(seq 1 120); do
  S=$(gov_status "$PROP")
  [ "$S" != "$LAST" ] && { echo "  proposal $PROP: $S (after $(( $(date +%s) - G0 )) s)"; LAST=$S; }
  [ "$S" = executed ] && break
  case "$S" in defeated|quorum_failed|expired|execution_failed|canceled) fail "proposal $PROP ended $S";; esac
  sleep 0.5
done
[ "$S" = executed ] || fail "proposal $PROP is $S after 60 s"
"$BIN" --key newcomer --json query personnel | python3 -c 'import json,sys; v=json.load(sys.stdin)["value"]; assert v["status"]=="active", v' \
  || fail "the newcomer is not Active after the executed vote"
echo "the newcomer is Active: proposed -> executed in $(( $(date +%s) - G0 )) s"

step "a vote after the period fails with voting_closed"
set +e; "$BIN" --key carol tx gov vote "$PROP" no >"$WORK/late.txt"; rc=$?; set -e
[ "$rc" = 1 ] && grep -q voting_closed "$WORK/late.txt" || fail "late vote: exit $rc: $(cat "$WORK/late.txt")"
grep -m1 "FAILED" "$WORK/late.txt"

step "the decision record"
"$BIN" query gov record "$PROP"

step "prove the executed proposal and verify it offline"
"$BIN" query gov proposal "$PROP" --prove --out "$WORK/proposal.json" >/dev/null
"$BIN" verify "$WORK/proposal.json" --genesis "$WORK/data/genesis.json" | tee "$WORK/verify.txt" \
  || fail "the proposal's proof does not verify"
grep -q "EXECUTED" "$WORK/verify.txt" || fail "the proven proposal is not Executed"
# The economy: a recorded purchase, a sponsored vote, a bounty paid by a Review vote.
step "economy: the published gas price; frank (treasury officer, fr) records the lab's payment"
"$BIN" query gas price
LAB0=$("$BIN" --json query gas balance lab | python3 -c 'import json,sys; print((json.load(sys.stdin)["value"] or {"gas":0})["gas"])')
"$BIN" --key frank --json tx gas purchase --category model_registration --account lab \
  --paid 2500000 --reference wire-2026-0001 >"$WORK/purchase.json" || fail "purchase: $(cat "$WORK/purchase.json")"
python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
p = next(e["event"] for e in s["events"] if e["event"]["type"] == "gas_purchased")
print("purchase #%s: paid %s, %s credits to the lab; recorded by %s; gas paid by the %s" % (p["id"], p["paid"], p["credits"], p["member"], s["receipt"]["payer"]))' "$WORK/purchase.json"
LAB1=$("$BIN" --json query gas balance lab | python3 -c 'import json,sys; print(json.load(sys.stdin)["value"]["gas"])')
[ "$LAB1" -gt "$LAB0" ] || fail "the lab's credits did not grow: $LAB0 -> $LAB1"
set +e; "$BIN" --key frank tx gas purchase --category model_registration --account lab \
  --paid 2500000 --reference wire-2026-0001 >"$WORK/dup.txt" 2>&1; rc=$?; set -e
[ "$rc" = 1 ] && grep -q duplicate_purchase "$WORK/dup.txt" || fail "duplicate purchase: exit $rc: $(cat "$WORK/dup.txt")"
echo "the same payment recorded twice fails with duplicate_purchase"

step "a bug bounty: a fresh key claims, a Review vote pays it from the treasury"
"$BIN" keys new hunter
echo "Ballot replay across chains: details for the reviewers." >"$WORK/report.md"
"$BIN" --key hunter --json tx treasury claim-bounty --title "Cross-chain ballot replay" \
  --report "$WORK/report.md" --amount 500000 >"$WORK/claim.json" || fail "claim: $(cat "$WORK/claim.json")"
BOUNTY=$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
print(next(e["event"]["id"] for e in s["events"] if e["event"]["type"] == "bounty_claimed"))' "$WORK/claim.json")
"$BIN" query treasury
"$BIN" --key alice --json tx gov propose --class review --title "Pay the ballot-replay bounty" \
  --description "Confirmed by the software team." --action "pay-bounty:$BOUNTY:400000" >"$WORK/bprop.json" \
  || fail "bounty proposal: $(cat "$WORK/bprop.json")"
BPROP=$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
print(next(e["event"]["proposal"] for e in s["events"] if e["event"]["type"] == "proposal_submitted"))' "$WORK/bprop.json")
for _ in $(seq 1 50); do [ "$(gov_status "$BPROP")" = active ] && break; sleep 0.2; done
ALICE0=$("$BIN" --json query gas balance alice | python3 -c 'import json,sys; print(json.load(sys.stdin)["value"]["gas"])')
"$BIN" --key alice --json tx gov vote "$BPROP" yes >"$WORK/vote.json"
"$BIN" --key bob tx gov vote "$BPROP" yes | tail -1
# Ada (fr, now Active) and the compute personnel widen the eligible weight: carol (jp) too.
"$BIN" --key carol tx gov vote "$BPROP" yes | tail -1
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["receipt"]
assert r["payer"] == "pool", r
print("alice voted: %s gas, %s credits, paid by the pool" % (r["gas_used"], r["credits"]))' "$WORK/vote.json"
ALICE1=$("$BIN" --json query gas balance alice | python3 -c 'import json,sys; print(json.load(sys.stdin)["value"]["gas"])')
[ "$ALICE0" = "$ALICE1" ] || fail "voting cost alice credits: $ALICE0 -> $ALICE1"
for _ in $(seq 1 120); do
  S=$(gov_status "$BPROP"); [ "$S" = executed ] && break
  case "$S" in defeated|quorum_failed|expired|execution_failed|canceled) fail "bounty proposal ended $S";; esac
  sleep 0.5
done
[ "$S" = executed ] || fail "bounty proposal is $S after 60 s"
"$BIN" query treasury bounty "$BOUNTY"
"$BIN" query treasury payment 1 --prove --out "$WORK/payment.json"
"$BIN" verify "$WORK/payment.json" --genesis "$WORK/data/genesis.json" >/dev/null \
  || fail "the payment's proof does not verify"
echo "the payout is proven: aigov verify accepts $WORK/payment.json"
"$BIN" query treasury

# Compute governance: hardware inspected and approved, a model approved, a run fed by OTK permits.
wait_executed() {
  for _ in $(seq 1 120); do
    S=$(gov_status "$1"); [ "$S" = executed ] && return 0
    case "$S" in defeated|quorum_failed|expired|execution_failed|canceled) fail "proposal $1 ended $S";; esac
    sleep 0.5
  done
  fail "proposal $1 is $S after 60 s"
}
review_vote() { # title action
  "$BIN" --key alice --json tx gov propose --class review --title "$1" --description "$1" \
    --action "$2" >"$WORK/cprop.json" || fail "proposal: $(cat "$WORK/cprop.json")"
  CPROP=$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
print(next(e["event"]["proposal"] for e in s["events"] if e["event"]["type"] == "proposal_submitted"))' "$WORK/cprop.json")
  for _ in $(seq 1 50); do [ "$(gov_status "$CPROP")" = active ] && break; sleep 0.2; done
  "$BIN" --key alice tx gov vote "$CPROP" yes | tail -1
  "$BIN" --key bob tx gov vote "$CPROP" yes | tail -1
  "$BIN" --key carol tx gov vote "$CPROP" yes | tail -1
  wait_executed "$CPROP"
}
step "compute: hiro (hardware, nordic-compute) registers device-1; erin (inspector) inspects it"
"$BIN" --key hiro tx hardware register --operator nordic-compute --device device-1 \
  --accelerator nvidia-hopper --region eu-north --capability cc-mode | tail -3
echo "Seals intact, rack B7." >"$WORK/findings.md"
"$BIN" --key erin tx hardware inspect --hardware 1 --result pass --findings "$WORK/findings.md" \
  --member de --member eu --seal seal-0042 | tail -2
step "compute: a Review vote approves the hardware with a pre-training budget"
review_vote "Approve device-1" "approve-hardware:1:1000000:0:0"
"$BIN" query hardware 1
step "compute: lena (frontier-lab) registers a model; a Review vote approves it"
CONTAINER=$(python3 -c 'import hashlib; print(hashlib.sha256(b"frontier-base-v1").hexdigest())')
"$BIN" --key lena tx model register --owner frontier-lab --name "Frontier Base" \
  --purpose "General assistant" --container-id "$CONTAINER" --planned-compute 500000 | tail -2
review_vote "Approve Frontier Base" "approve-model:1:2:500000:0:0"
"$BIN" query model 1
step "compute: a workload and a run on device-1; the drip issues permits bound to its key"
"$BIN" --key lena tx workload create --model 1 --phase pre-train --budget 100000 | tail -1
"$BIN" --key lena tx workload start-run --workload 1 --hardware 1 --budget 100000 --stages 2 | tail -3
"$BIN" query otk device device-1
"$BIN" --json query otk device device-1 | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert len(d["permits"]) == 2, d
assert [p["seq"] for p in d["permits"]] == [2, 1], d' || fail "the drip did not issue two permits"
"$BIN" query otk permit 1 --prove --out "$WORK/permit.json" >/dev/null
"$BIN" verify "$WORK/permit.json" --genesis "$WORK/data/genesis.json" >/dev/null \
  || fail "the permit's proof does not verify"
echo "permit 1 is proven: aigov verify accepts $WORK/permit.json"
step "compute: the device reports usage; the next permit follows; a replay is refused"
"$BIN" --key device-1 tx otk report-usage --otk 1 --used 100 | tail -2
"$BIN" --json query otk device device-1 | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["permits"][0]["seq"] == 3, d' || fail "no permit followed the usage report"
set +e; "$BIN" --key device-1 tx otk report-usage --otk 1 --used 100 >"$WORK/replay.txt" 2>&1; rc=$?; set -e
[ "$rc" = 1 ] && grep -q permit_already_reported "$WORK/replay.txt" || fail "replayed report: exit $rc: $(cat "$WORK/replay.txt")"
echo "a replayed usage report fails with permit_already_reported"
"$BIN" query run 1
echo "e2e-dev: PASS"
