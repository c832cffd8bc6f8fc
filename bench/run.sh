#!/usr/bin/env bash
# `npm run bench`: every benchmark in turn, then one summary table of the ratios.
# Each benchmark runs lawful and its Python peer in the same run on the same machine;
# outputs (logs, JSON, the task's CSV) go to bench/out/ (gitignored). About 1 minute
# without the LSTM part; keep the whole under ~10 minutes.
#
# The Python peers need Debian's packages (run with /usr/bin/python3); installed here if
# missing, as root or with sudo: apt-get update, then apt-get install -y the missing ones.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)

need=()
for pkg in python3-scipy python3-numpy python3-torch; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "bench: installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq || { echo "bench: apt-get update failed" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" || { echo "bench: apt-get install failed" >&2; exit 1; }
fi

# The TF.js peer (npm registry, pinned at the version of the reference measurement, docs/peer-baselines.md) lives outside
# lawful's dependencies, in bench/.peers/tfjs (gitignored).
TFJS_DIR=bench/.peers/tfjs
if [ ! -d "$TFJS_DIR/node_modules/@tensorflow/tfjs-backend-wasm" ]; then
  echo "bench: installing the TF.js peer into $TFJS_DIR"
  mkdir -p "$TFJS_DIR" && echo '{"private": true}' > "$TFJS_DIR/package.json"
  npm install --prefix "$TFJS_DIR" --no-audit --no-fund --loglevel=error @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0 \
    || echo "bench: could not install the TF.js peer; the LSTM benchmark quotes the reference instead" >&2
fi

failed=()
run() { # name, command...
  local name=$1; shift
  echo; echo "== $name: $*"
  local t0=$SECONDS
  if "$@" 2>&1 | tee "bench/out/$name.log"; then
    echo "($name: $((SECONDS - t0)) s)"
  else
    echo "($name FAILED after $((SECONDS - t0)) s; log: bench/out/$name.log)"
    failed+=("$name")
  fi
}

echo "bench: $(git rev-parse --short HEAD 2>/dev/null || echo '?') on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(node --version), $(/usr/bin/python3 --version 2>&1)"
run ode npx tsx bench/ode/bench.ts
run bank npx tsx bench/bank/bench.ts
run reservoir npx tsx bench/reservoir/bench.ts
run equation npx tsx bench/equation/bench.ts
run ude npx tsx bench/ude/bench.ts
run hnn npx tsx bench/hnn/bench.ts
if [ -f bench/lstm/bench.ts ]; then
  run lstm npx tsx bench/lstm/bench.ts --tfjs-dir "$TFJS_DIR"
else
  echo; echo "== lstm: skipped (bench/lstm/bench.ts is missing)"
fi
run gru npx tsx bench/gru/bench.ts
run lstm-rollout npx tsx bench/lstm/rollout.ts
run audit npx tsx bench/audit/bench.ts
run mlp npx tsx bench/mlp/bench.ts

npx tsx bench/summary.ts --since "$started"
if [ ${#failed[@]} -gt 0 ]; then
  echo "bench: FAILED: ${failed[*]}" >&2
  exit 1
fi
