#!/usr/bin/env bash
# The test command from the README: every crate's unit, property and integration tests.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo test --workspace "$@"
