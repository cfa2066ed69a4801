#!/usr/bin/env bash
# Regenerates tests/fixtures/ with the real OpenSSF model signing tool.
#
#   scripts/fixtures.sh            # venv in ${TMPDIR:-/tmp}/aigov-modelsign-fixtures-venv
#   VENV=/path/to/venv scripts/fixtures.sh
#
# Needs python3 (3.10+), openssl and access to PyPI. Builds the model folders described in
# tests/fixtures/models.json, signs them with `model_signing` 1.1.1 using a fresh P-256 key,
# checks each bundle with `model_signing verify key`, and stores the bundles, the public key,
# a second (wrong) public key and a PurePosixPath ordering sample. The private key is thrown
# away. Regenerating changes every bundle (new key, new ECDSA nonces): that is expected.
set -euo pipefail

CRATE="$(cd "$(dirname "$0")/.." && pwd)"
FIX="$CRATE/tests/fixtures"
VENV="${VENV:-${TMPDIR:-/tmp}/aigov-modelsign-fixtures-venv}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if [ ! -x "$VENV/bin/model_signing" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "model-signing==1.1.1" pyopenssl
fi
PY="$VENV/bin/python"
MS="$VENV/bin/model_signing"
"$PY" -c 'import importlib.metadata as m; v = m.version("model-signing"); assert v == "1.1.1", v'

# Keys: the signing key and an unrelated one for the wrong-key test.
openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/key.pem"
openssl ec -in "$WORK/key.pem" -pubout -out "$WORK/pub.pem" 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/other.pem"
openssl ec -in "$WORK/other.pem" -pubout -out "$WORK/other_pub.pem" 2>/dev/null

# Build the folders from the description (the Rust tests use the same generator).
"$PY" - "$FIX/models.json" "$WORK" <<'PYEOF'
import json, os, pathlib, sys

spec = json.load(open(sys.argv[1], encoding="utf-8"))
work = pathlib.Path(sys.argv[2])

def lcg_bytes(length, seed):
    x, out = seed, bytearray()
    for _ in range(length):
        x = (x * 1103515245 + 12345) % (1 << 31)
        out.append((x >> 16) & 0xFF)
    return bytes(out)

def content(entry):
    if "text" in entry:
        return entry["text"].encode("utf-8")
    return lcg_bytes(entry["bytes"]["len"], entry["bytes"]["seed"])

for model in spec["models"]:
    root = work / model["name"]
    root.mkdir()
    for e in model["entries"]:
        p = root / e["path"]
        p.parent.mkdir(parents=True, exist_ok=True)
        if e.get("dir"):
            p.mkdir(parents=True, exist_ok=True)
        elif "symlink" in e:
            os.symlink(e["symlink"], p)
        else:
            p.write_bytes(content(e))
single = spec["single_file"]
(work / single["name"]).write_bytes(content(single))
PYEOF

cd "$WORK"
sign() { "$MS" sign key "$@" --private_key key.pem; }
verify() { "$MS" verify key "$@" --public_key pub.pem; }

sign tricky --signature tricky.sig
verify tricky --signature tricky.sig

sign ignores --signature ignores/model.sig --ignore-paths ignores/notes
verify ignores --signature ignores/model.sig --ignore-paths ignores/notes
cp ignores/model.sig ignores.sig

sign symlinks --signature symlinks.sig --allow_symlinks
verify symlinks --signature symlinks.sig --allow_symlinks

sign single.bin --signature single.sig
verify single.bin --signature single.sig

# The CLI has no shard option; use the library API.
"$PY" - <<'PYEOF'
import model_signing
hashing = model_signing.hashing.Config().use_shard_serialization(shard_size=1000)
model_signing.signing.Config().use_elliptic_key_signer(private_key="key.pem") \
    .set_hashing_config(hashing).sign("shards", "shards.sig")
# model_signing 1.1.1 cannot guess the shard configuration back from its own bundle (the
# shard size comes back from the protobuf Struct as a float), so pass it explicitly.
model_signing.verifying.Config().use_elliptic_key_verifier(public_key="pub.pem") \
    .set_hashing_config(hashing).verify("shards", "shards.sig")
PYEOF

# A sample of relative paths in the order PurePosixPath gives them.
"$PY" - "$FIX/ordering.json" <<'PYEOF'
import json, pathlib, random, sys
rng = random.Random(20261122)
alphabet = ["a", "b", "A", "0", "-", ".", "_", " ", "~", "é", "ä", "z", "\u00ff", "\u4e00"]
names = {"a/x", "a-b/g", "a-b.txt", "a", "a/b/c", "a.b/c", "a0/x", "A/x", "ab"}
while len(names) < 400:
    comps = []
    for _ in range(rng.randint(1, 3)):
        c = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3)))
        if c != ".":
            comps.append(c)
    if comps:
        names.add("/".join(comps))
names = [n for n in names if str(pathlib.PurePosixPath(n)) == n]
shuffled = sorted(names, key=lambda n: rng.random())
ordered = [str(p) for p in sorted(pathlib.PurePosixPath(n) for n in names)]
json.dump({"input": shuffled, "sorted": ordered}, open(sys.argv[1], "w", encoding="utf-8"),
          ensure_ascii=False, indent=0)
PYEOF

mkdir -p "$FIX/bundles"
cp tricky.sig ignores.sig shards.sig symlinks.sig single.sig "$FIX/bundles/"
cp pub.pem other_pub.pem "$FIX/"
echo "fixtures written to $FIX"
