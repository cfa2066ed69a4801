#!/usr/bin/env bash
# End to end on a real single-validator dev chain, through the binary a user runs:
#   start `aigov dev` -> health -> new key -> register personnel (sponsored) -> finalized
#   -> query with --prove --out -> `aigov verify` passes -> one changed byte fails
#   -> every rejection path over HTTP -> kill -9 -> restart -> nothing lost, chain continues
#   -> governance: alice proposes to vet the newcomer, alice and bob (two members) vote yes,
#      tally, confirm, timelock, execution -> the newcomer is Active -> decision record
#      -> the executed proposal proven and verified offline.
#   -> compute: hardware registered, inspected, approved; a model approved; a run on it gets
#      OTK permits bound to the device key; a permit proven offline; usage reports drip more;
#      telemetry that looks like serving cancels the training workload (phase detection).
#   -> certification: Cedar templates approved, the safety standard set, an existing model
#      onboarded by container ID, declared, audited in order, Certified, verified by container
#      ID with light-client proofs (absence and forgery too), revoked in an emergency.
#   -> whistle-blower: a fresh key files a sealed report; the reviewing body opens it offline;
#      a Review vote confirms it; a System vote rewards the reporter; the record is proven.
# Usage: scripts/e2e-dev.sh [path/to/aigov]   (default: target/release/aigov)
set -euo pipefail

BIN=${1:-target/release/aigov}
BIN=$(realpath "$BIN")
WORK=$(mktemp -d)
PORT=$((20000 + RANDOM % 20000))
NODE="http://127.0.0.1:$PORT"
export AIGOV_NODE=$NODE AIGOV_HOME=$WORK/data
PID=""
LMPID=""
cleanup() {
  [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null || true
  [ -n "$LMPID" ] && kill -9 "$LMPID" 2>/dev/null || true
  rm -rf "$WORK"
}
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
propose() { # CLASS TITLE ACTION -> proposal id
  "$BIN" --key alice --json tx gov propose --class "$1" --title "$2" --description "$2" \
    --action "$3" >"$WORK/prop.json" || fail "proposal $2: $(cat "$WORK/prop.json")"
  python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
print(next(e["event"]["proposal"] for e in s["events"] if e["event"]["type"] == "proposal_submitted"))' "$WORK/prop.json"
}
vote_yes() { # ID VOTER...
  local id=$1; shift
  for _ in $(seq 1 50); do [ "$(gov_status "$id")" = active ] && break; sleep 0.2; done
  for v in "$@"; do "$BIN" --key "$v" tx gov vote "$id" yes | tail -1; done
}
refused() { # CODE COMMAND... : the command must fail with CODE
  local code=$1; shift
  set +e; "$@" >"$WORK/refused.txt" 2>&1; local rc=$?; set -e
  [ "$rc" = 1 ] && grep -q "$code" "$WORK/refused.txt" || fail "expected $code, got exit $rc: $(cat "$WORK/refused.txt")"
  echo "refused with $code"
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
step "compute: phase detection: telemetry that looks like serving cancels the pre-training workload"
cat >"$WORK/serving.json" <<'JSON'
{"data_bytes": 50000000, "compute_units": 300, "peak_memory_mib": 16384, "precision": "fp8",
 "batch_size": 8, "energy_wh": 250, "duration_ms": 3600000, "backward_share_bps": 0,
 "device_count": 1, "interconnect_bytes": 0, "output_bytes": 20000000}
JSON
OTK=$("$BIN" --json query run 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["value"]["outstanding"][0])')
"$BIN" --key device-1 tx otk report-usage --otk "$OTK" --used 50 --telemetry "$WORK/serving.json" \
  | tee "$WORK/phase.txt" | grep -E "phase_mismatch|run_halted" || fail "no phase mismatch: $(cat "$WORK/phase.txt")"
"$BIN" --json query run 1 | python3 -c '
import json, sys
r = json.load(sys.stdin)["value"]
assert r["status"] == "halted" and r["halt"] == "phase_mismatch" and not r["outstanding"], r
print("run 1 halted (phase_mismatch), no permit outstanding")' || fail "run 1 was not halted"

# Integrity challenges: a Hardware template's reference values, a device bound to it, challenged
# at random blocks during its run. A failed challenge suspends it and halts its drip; a Review
# vote reinstates it; answered challenges pass; the run completes and its output is registered.
step "integrity: a System vote makes challenges frequent for the demo (a few seconds apart)"
cat >"$WORK/compute-params.json" <<'JSON'
{"inspection_interval_ms": 15724800000, "min_inspector_members": 1, "ration_min": 1000,
 "ration_max": 10000, "permit_lifetime_ms": 3600000, "drip_per_block_max": 20000,
 "integrity": {"interval_ms": 2000, "mean_wait_ms": 3000, "deadline_ms": 120000,
               "failures_to_revoke": 3}}
JSON
IPROP=$(propose system "Frequent integrity challenges for the demo" "set-compute-params:$WORK/compute-params.json")
vote_yes "$IPROP" alice dave
wait_executed "$IPROP"
step "integrity: a member runs a landmark (a timing server that signs round trips to devices)"
"$BIN" keys new landmark-helsinki | tail -1
"$BIN" --key landmark-helsinki landmark --listen 127.0.0.1:0 >"$WORK/landmark.log" 2>&1 &
LMPID=$!
disown "$LMPID" 2>/dev/null || true
for _ in $(seq 1 50); do grep -q "listening on" "$WORK/landmark.log" && break; sleep 0.1; done
read -r LMKEY LMADDR < <(sed -n 's/^landmark \([0-9a-f]*\) listening on \(.*\)$/\1 \2/p' "$WORK/landmark.log")
[ -n "$LMADDR" ] || fail "the landmark did not start: $(cat "$WORK/landmark.log")"
echo "landmark $LMKEY at $LMADDR"
step "integrity: bob proposes a Hardware template with device-key reference values, intact seals and a location within 50 km of Helsinki; a Safety vote approves it"
cat >"$WORK/physical.json" <<JSON
{"seals": true,
 "region": {"centre": {"lat_udeg": 60169856, "lon_udeg": 24938379}, "radius_m": 50000},
 "landmarks": [{"name": "helsinki-1", "key": "$LMKEY",
                "at": {"lat_udeg": 60169856, "lon_udeg": 24938379}}],
 "min_landmarks": 1}
JSON
GOOD=$(python3 -c 'import hashlib; print(hashlib.sha256(b"rack-node-image-v3").hexdigest())')
BAD=$(python3 -c 'import hashlib; print(hashlib.sha256(b"rack-node-image-v3-patched").hexdigest())')
echo "{\"device_key\": {\"measurements\": {\"values\": [\"$GOOD\"]}}}" >"$WORK/reference.json"
echo "Rack node v3: sealed chassis, signed image rack-node-image-v3." >"$WORK/hw-spec.md"
cat >"$WORK/hw.cedar" <<'CEDAR'
@id("hw.tee-required")
forbid (principal, action == Aigov::Action::"run_workload", resource) when { !context.hardware.tee };
CEDAR
"$BIN" --key bob tx template propose --kind hardware --name rack-node-v3 --spec "$WORK/hw-spec.md" \
  --policy "$WORK/hw.cedar" --reference "$WORK/reference.json" --physical "$WORK/physical.json" | tail -1
HWT=$("$BIN" --json query templates | python3 -c '
import json, sys
print(next(t["id"] for t in json.load(sys.stdin)["templates"] if t["name"] == "rack-node-v3"))')
HPROP=$(propose safety "Approve Hardware template rack-node-v3" "approve-template:$HWT")
vote_yes "$HPROP" alice bob carol
wait_executed "$HPROP"
step "integrity: device-2 (credits bought by its operator), inspected, approved bound to the template"
"$BIN" keys new device-2
"$BIN" --key frank tx gas purchase --category hardware_registration --account device-2 \
  --paid 2500000 --reference wire-2026-0042 | tail -1
"$BIN" --key hiro tx hardware register --operator nordic-compute --device device-2 \
  --accelerator nvidia-hopper --region eu-north --capability cc-mode | tail -1
HW2=$("$BIN" --json query hardware list | python3 -c '
import json, sys
print(max(h["id"] for h in json.load(sys.stdin)["hardware"]))')
"$BIN" --key erin tx hardware inspect --hardware "$HW2" --result pass --findings "$WORK/findings.md" \
  --member de --member eu --seal seal-0043 | tail -1
review_vote "Approve device-2 bound to rack-node-v3" "approve-hardware:$HW2:1000000:0:0:$HWT"
hw2() { "$BIN" --json query hardware "$HW2" | python3 -c "import json,sys; print(json.load(sys.stdin)['value']['$1'])"; }
[ "$(hw2 template)" = "$HWT" ] || fail "device-2 is not bound to template $HWT"
step "integrity: a run on device-2; the chain challenges it at a random block"
"$BIN" --key lena tx workload create --model 1 --phase pre-train --budget 50000 | tail -1
"$BIN" --key lena tx workload start-run --workload 2 --hardware "$HW2" --budget 50000 --stages 1 | tail -1
wait_challenge() {
  for _ in $(seq 1 120); do
    CH=$(hw2 challenge); [ "$CH" != 0 ] && return 0; sleep 0.5
  done
  fail "no challenge to device-2 within 60 s"
}
wait_challenge
"$BIN" query challenge "$CH"
step "integrity: device-2 answers with an image the template does not allow: Failed, Suspended, its drip halts"
"$BIN" --key device-2 tx hardware answer-challenge --challenge "$CH" --measurement "$BAD" \
  | tee "$WORK/answer.txt" | grep -E "challenge_closed|hardware_status_changed|otk_revoked" \
  || fail "no failure recorded: $(cat "$WORK/answer.txt")"
[ "$(hw2 status)" = suspended ] || fail "device-2 is $(hw2 status), expected suspended"
"$BIN" --json query run 2 | python3 -c '
import json, sys
r = json.load(sys.stdin)["value"]
assert not r["outstanding"], r
print("run 2: no permit outstanding while device-2 is suspended")' || fail "permits outstanding on suspended hardware"
P0=$("$BIN" --json query otk device device-2 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["permits"]))')
sleep 3
P1=$("$BIN" --json query otk device device-2 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["permits"]))')
[ "$P0" = "$P1" ] || fail "suspended device-2 received permits: $P0 -> $P1"
# The CLI checks the challenge before signing (the chain would refuse with challenge_closed).
set +e; "$BIN" --key device-2 tx hardware answer-challenge --challenge "$CH" --measurement "$GOOD" >"$WORK/late.txt" 2>&1; rc=$?; set -e
[ "$rc" = 2 ] && grep -q "no longer open" "$WORK/late.txt" || fail "late answer: exit $rc: $(cat "$WORK/late.txt")"
echo "a second answer is refused: $(cat "$WORK/late.txt")"
step "integrity: a Review vote reinstates device-2; the drip resumes"
review_vote "Reinstate device-2 after review of challenge $CH" "approve-hardware:$HW2:1000000:0:0"
[ "$(hw2 status)" = active ] || fail "device-2 is $(hw2 status) after the vote"
step "integrity: an answer with the approved image but without its seal and location evidence fails too"
wait_challenge
"$BIN" --key device-2 --json tx hardware answer-challenge --challenge "$CH" --measurement "$GOOD" >"$WORK/answer.json"
python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
c = next(e["event"] for e in s["events"] if e["event"]["type"] == "challenge_closed")
assert c["status"] == "failed" and "seal-0043" in c["reason"], c
print("challenge #%s failed: %s" % (c["challenge"], c["reason"]))' "$WORK/answer.json" || fail "an answer without seals did not fail: $(cat "$WORK/answer.json")"
review_vote "Reinstate device-2 after its unsealed answer to challenge $CH" "approve-hardware:$HW2:1000000:0:0"
[ "$(hw2 status)" = active ] || fail "device-2 is $(hw2 status) after the second vote"
step "integrity: the hardware agent verifies device-2's permits, computes, and answers the next challenge with the approved image, its intact seal and the landmark's signed round trip"
"$BIN" --key device-2 agent run --measurement "$GOOD" --seal seal-0043 --landmark "$LMADDR" \
  --max-challenges 1 --duration 90 --rate 5000 \
  --genesis "$WORK/data/genesis.json" | tee "$WORK/agent2.txt" | grep -vE "^computed" | tail -8
grep -qE "answered integrity challenge [0-9]+: Passed" "$WORK/agent2.txt" \
  || fail "the agent did not pass a challenge: $(tail -5 "$WORK/agent2.txt")"
[ "$(hw2 status)" = active ] || fail "device-2 is $(hw2 status) after the agent answered"
step "integrity: device-2 keeps answering challenges with the approved image and reports usage until the run completes"
PASSED=0
for _ in $(seq 1 240); do
  CH=$(hw2 challenge)
  if [ "$CH" != 0 ]; then
    "$BIN" --key device-2 --json tx hardware answer-challenge --challenge "$CH" --measurement "$GOOD" \
      --seal seal-0043 --landmark "$LMADDR" >"$WORK/answer.json" 2>"$WORK/answer.err"
    python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
c = next(e["event"] for e in s["events"] if e["event"]["type"] == "challenge_closed")
assert c["status"] == "passed", c
print("challenge #%s passed" % c["challenge"])' "$WORK/answer.json" || fail "challenge $CH did not pass: $(cat "$WORK/answer.json")"
    PASSED=$((PASSED + 1))
  fi
  read -r RS OTK RATION < <("$BIN" --json query run 2 | python3 -c '
import json, sys
r = json.load(sys.stdin)["value"]
print(r["status"], r["outstanding"][0] if r["outstanding"] else 0, 0)')
  [ "$RS" = completed ] && break
  if [ "$RS" = running ] && [ "$OTK" != 0 ]; then
    "$BIN" --key device-2 tx otk report-usage --otk "$OTK" --used 500 --stage-done | tail -1
  fi
  sleep 0.5
done
[ "$RS" = completed ] || fail "run 2 is $RS after the loop (challenges passed: $PASSED)"
[ "$(hw2 status)" = active ] || fail "device-2 is $(hw2 status) at the end"
echo "run 2 completed on device-2; $PASSED more challenge(s) passed on the way"
step "integrity: the run's output is registered as a new Pending inference model with provenance"
OUT=$(python3 -c 'import hashlib; print(hashlib.sha256(b"frontier-base-v1-run2").hexdigest())')
"$BIN" --key lena tx model register --owner frontier-lab --name "Frontier Base (run 2)" \
  --purpose "General assistant" --phase inference --container-id "$OUT" --parent 1 --run 2 | tail -1
"$BIN" --json query models | python3 -c '
import json, sys
m = max(json.load(sys.stdin)["models"], key=lambda m: m["id"])
assert m["status"] == "pending" and m["parent"] == 1 and m["provenance"]["run"] == 2, m
print("model #%s: pending, parent 1, from run %s" % (m["id"], m["provenance"]["run"]))' || fail "output model not registered with provenance"

# Certification: templates in Cedar, the safety standard, an onboarded model certified by
# reports, verified by container ID with light-client proofs, then revoked in an emergency.
step "certification: bob (safety, de) proposes templates in Cedar; a malformed policy is refused"
echo "Frontier general-purpose architecture, v1." >"$WORK/spec.md"
cat >"$WORK/arch.cedar" <<'CEDAR'
@id("data.cbrn")
forbid (principal, action, resource) when { resource.data_domains.contains("cbrn") };
CEDAR
cat >"$WORK/bio.cedar" <<'CEDAR'
@id("cbrn.uplift")
forbid (principal, action == Aigov::Action::"certify", resource)
when { context.report.hasTag("bio_uplift") && context.report.getTag("bio_uplift") > 2000 };
CEDAR
cat >"$WORK/cyber.cedar" <<'CEDAR'
@id("cyber.offense")
forbid (principal, action == Aigov::Action::"certify", resource)
when { context.report.hasTag("cyber") && context.report.getTag("cyber") > 5000 };
CEDAR
printf 'forbid (principal, action, resource) when { resource.nope ' >"$WORK/bad.cedar"
# The CLI compiles the policy before signing (the chain would refuse it with invalid_policy).
set +e; "$BIN" --key bob tx template propose --kind audit --name broken --spec "$WORK/spec.md" \
  --policy "$WORK/bad.cedar" >"$WORK/refused.txt" 2>&1; rc=$?; set -e
[ "$rc" = 2 ] && grep -q "syntax error" "$WORK/refused.txt" || fail "malformed policy: exit $rc: $(cat "$WORK/refused.txt")"
echo "refused before signing: $(cat "$WORK/refused.txt")"
"$BIN" --key bob tx template propose --kind model_architecture --name frontier-general \
  --spec "$WORK/spec.md" --policy "$WORK/arch.cedar" | tail -1
"$BIN" --key bob tx template propose --kind audit --name bio-uplift-eval \
  --spec "$WORK/spec.md" --policy "$WORK/bio.cedar" | tail -1
"$BIN" --key bob tx template propose --kind audit --name cyber-range-live \
  --spec "$WORK/spec.md" --policy "$WORK/cyber.cedar" | tail -1
read -r ARCH BIO CYBER < <("$BIN" --json query templates | python3 -c '
import json, sys
ids = {t["name"]: t["id"] for t in json.load(sys.stdin)["templates"]}
print(ids["frontier-general"], ids["bio-uplift-eval"], ids["cyber-range-live"])')
step "certification: lena onboards an existing inference model by its container ID"
mkdir -p "$WORK/chat/weights"
echo '{"architecture": "decoder", "layers": 2}' >"$WORK/chat/config.json"
head -c 4096 /dev/urandom >"$WORK/chat/weights/model-00001.safetensors"
CHAT=$("$BIN" model fingerprint "$WORK/chat")
echo "container ID $CHAT"
"$BIN" --key lena tx model register --owner frontier-lab --name "Frontier Chat" \
  --purpose "General assistant" --phase inference --container-id "$CHAT" | tail -1
MODEL=$("$BIN" --json query models | python3 -c '
import json, sys
print(max(m["id"] for m in json.load(sys.stdin)["models"]))')
step "certification: a Safety vote approves the templates while a Review vote approves the model"
TPROP=$(propose safety "Approve templates $ARCH $BIO $CYBER" "approve-template:$ARCH")
# One action per proposal keeps the demo's votes small; the other two ride along in parallel.
TPROP2=$(propose safety "Approve template $BIO" "approve-template:$BIO")
TPROP3=$(propose safety "Approve template $CYBER" "approve-template:$CYBER")
MPROP=$(propose review "Approve Frontier Chat at tier 2" "approve-model:$MODEL:2:0:0:1000")
for p in "$TPROP" "$TPROP2" "$TPROP3"; do vote_yes "$p" alice bob carol; done
vote_yes "$MPROP" alice bob carol
for p in "$TPROP" "$TPROP2" "$TPROP3" "$MPROP"; do wait_executed "$p"; done
"$BIN" query template "$BIO"
step "certification: a Safety vote sets the safety standard (v1)"
cat >"$WORK/standard.json" <<JSON
{"rules": [{"architecture": $ARCH, "tier": 2, "scope": "general", "safeguards": [],
  "audits": [$BIO], "live_audits": [$CYBER]}], "reject_severity": 3}
JSON
SPROP=$(propose safety "Safety standard v1" "set-standard:$WORK/standard.json")
vote_yes "$SPROP" alice bob carol
wait_executed "$SPROP"
"$BIN" query standard
step "certification: carol (auditor, jp) registers a runner of the safety institute; the model is declared"
"$BIN" keys new evalbox
"$BIN" --key frank tx gas purchase --category model_registration --account evalbox \
  --paid 1000000 --reference aisi-audit-0001 | tail -1
"$BIN" --key carol tx report register-runner --runner evalbox --organisation safety-institute | tail -1
cat >"$WORK/facts.json" <<'JSON'
{"purpose": "general-assistant", "access": "api", "parameter_count": 70000000000,
 "training_energy_mwh": 1000, "context_window_tokens": 128000, "input_modalities": ["text"],
 "output_modalities": ["text"], "data_domains": ["code", "law"], "data_provenance": ["licensed"]}
JSON
"$BIN" --key lena tx model declare --model "$MODEL" --architecture "$ARCH" --facts "$WORK/facts.json" | tail -1
step "certification: reports in order; an unregistered key and a live audit first are refused"
echo "Bio uplift evaluation: 0.4 % above baseline." >"$WORK/bio-report.md"
echo "Cyber range, full scaffolding: 31 % of tasks." >"$WORK/cyber-report.md"
refused unknown_runner "$BIN" --key lab tx report submit --model "$MODEL" --template "$BIO" \
  --result pass --score bio_uplift=40 --report "$WORK/bio-report.md"
refused audit_order "$BIN" --key evalbox tx report submit --model "$MODEL" --template "$CYBER" \
  --result pass --score cyber=3100 --report "$WORK/cyber-report.md"
"$BIN" --key evalbox tx report submit --model "$MODEL" --template "$BIO" \
  --result pass --score bio_uplift=40 --report "$WORK/bio-report.md" | tail -1
refused duplicate_report "$BIN" --key evalbox tx report submit --model "$MODEL" --template "$BIO" \
  --result pass --score bio_uplift=40 --report "$WORK/bio-report.md"
"$BIN" --key evalbox tx report submit --model "$MODEL" --template "$CYBER" \
  --result pass --score cyber=3100 --report "$WORK/cyber-report.md" | tail -1
"$BIN" query reports
"$BIN" query certification "$MODEL"
step "certification: anyone verifies the model by its container ID, trusting only the group key"
"$BIN" verify model "$CHAT" --genesis "$WORK/data/genesis.json" --out "$WORK/chat-proof.json" \
  || fail "aigov verify model did not prove Certified"
set +e; "$BIN" verify model "$(printf '%064d' 0)" --genesis "$WORK/data/genesis.json"; rc=$?; set -e
[ "$rc" = 3 ] || fail "an unknown container: exit $rc, expected 3 (proven absent)"
python3 - "$WORK/chat-proof.json" <<'PY'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["model"]["value"]["tier"] = 1  # a server lying about the tier
json.dump(d, open(p + ".forged", "w"))
PY
set +e; "$BIN" verify model "$CHAT" --genesis "$WORK/data/genesis.json" --from "$WORK/chat-proof.json.forged"; rc=$?; set -e
[ "$rc" = 1 ] || fail "a forged answer: exit $rc, expected 1"
step "certification: an Emergency vote revokes the model; the revocation is proven"
EPROP=$(propose emergency "Revoke Frontier Chat" "revoke-model:$MODEL")
vote_yes "$EPROP" alice bob
wait_executed "$EPROP"
set +e; "$BIN" verify model "$CHAT" --genesis "$WORK/data/genesis.json" | tee "$WORK/revoked.txt"; rc=$?; set -e
[ "$rc" = 3 ] && grep -q Revoked "$WORK/revoked.txt" || fail "revoked model: exit $rc"

step "whistle-blower: a fresh key files a report sealed to the reviewing body's key"
"$BIN" query whistle key
"$BIN" keys new source
echo "Run 1's operator disabled the seal check on rack B7 before the audit." >"$WORK/tip.txt"
"$BIN" --key source --json tx whistle file --genesis --file "$WORK/tip.txt" >"$WORK/tip.json" \
  || fail "whistle file: $(cat "$WORK/tip.json")"
TIP=$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
assert s["receipt"]["payer"] == "pool", s["receipt"]
print(next(e["event"]["report"] for e in s["events"] if e["event"]["type"] == "report_filed"))' "$WORK/tip.json")
"$BIN" query whistle report "$TIP"
grep -q "rack B7" <("$BIN" query whistle report "$TIP" --json) && fail "the report's text is readable on chain"
echo "only the sealed blob and its hashes are on chain"
step "whistle-blower: the reviewing body opens it offline; a Review vote confirms it"
"$BIN" whistle open --reviewer-key "$WORK/data/whistle-reviewer.json" --report "$TIP" | tee "$WORK/opened.txt"
grep -q "rack B7" "$WORK/opened.txt" || fail "the opened report is not the text filed"
review_vote "Confirm whistle-blower report $TIP" "review-report:$TIP:confirmed"
step "whistle-blower: a System vote (alice and dave, tier 1-2 policy) rewards the reporter"
WPROP=$(propose system "Reward report $TIP" "award:source:50000:whistleblower:$TIP")
vote_yes "$WPROP" alice dave
wait_executed "$WPROP"
"$BIN" query whistle report "$TIP" | tee "$WORK/rewarded.txt"
grep -q "rewarded by payment" "$WORK/rewarded.txt" || fail "the report was not rewarded"
"$BIN" --json query gas balance source >/dev/null
"$BIN" query whistle report "$TIP" --prove --out "$WORK/tip-proof.json" >/dev/null
"$BIN" verify "$WORK/tip-proof.json" --genesis "$WORK/data/genesis.json" >/dev/null \
  || fail "the report's proof does not verify"
echo "the rewarded report is proven: aigov verify accepts $WORK/tip-proof.json"

# ---------------------------------------------------------------------------------------------
# The hardware agent (aigov agent): a new run on device-1; the agent verifies its permits
# offline against the group key, computes one ration, reports it, and the chain drips the next.
agent_section() {
  step "agent: a new pre-training run on device-1; aigov agent run --once computes and reports one permit"
  "$BIN" --key lena --json tx workload create --model 1 --phase pre-train --budget 50000 >"$WORK/agent-wl.json" \
    || fail "agent workload: $(cat "$WORK/agent-wl.json")"
  AWL=$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
print(next(e["event"]["id"] for e in s["events"] if e["event"]["type"] == "workload_created"))' "$WORK/agent-wl.json")
  # The last seq before the run: the run's first permits are dripped in the block that starts it.
  BEFORE=$("$BIN" --json query otk device device-1 | python3 -c 'import json,sys; print(max(p["seq"] for p in json.load(sys.stdin)["permits"]))')
  "$BIN" --key lena tx workload start-run --workload "$AWL" --hardware 1 --budget 50000 --stages 2 | tail -1
  "$BIN" --key device-1 agent run --once --rate 20000 --duration 60 --state "$WORK/agent-device-1.json" \
    | tee "$WORK/agent.txt"
  grep -q "^accepted permit" "$WORK/agent.txt" || fail "the agent accepted no permit"
  grep -Eq "^reported [0-9]+ units used" "$WORK/agent.txt" || fail "the agent reported no usage"
  grep -q "1 usage report(s) finalized" "$WORK/agent.txt" || fail "the agent did not finish one permit"
  python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["last_seq"] and s["in_use"] is None, s' \
    "$WORK/agent-device-1.json" || fail "the agent state file: $(cat "$WORK/agent-device-1.json")"
  "$BIN" --json query otk device device-1 | python3 -c '
import json, sys
d = json.load(sys.stdin)
before = int(sys.argv[1])
issued = [p["seq"] for p in d["permits"] if p["status"] == "issued"]
reported = [p for p in d["permits"] if p["status"] == "reported" and p["seq"] > before]
assert reported and reported[0]["used"] == reported[0]["ration"], d
assert issued and max(issued) > max(p["seq"] for p in reported), d
print("the agent reported permit seq", reported[0]["seq"], "and the chain dripped seq", max(issued))' "$BEFORE" \
    || fail "no permit followed the agent's report"
}
agent_section

echo "e2e-dev: PASS"
