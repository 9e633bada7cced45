#!/usr/bin/env bash
# Builds the C side of the CUDA benchmarks into target/native/ (never committed) against libcudart.so.13.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cuda="${CUDA_HOME:-/usr/local/cuda}"
[[ -f "$cuda/include/cuda_runtime_api.h" ]] || { echo "build.sh: no $cuda/include/cuda_runtime_api.h; set CUDA_HOME" >&2; exit 1; }
cc="${CC:-$(command -v gcc || command -v cc || true)}"
[[ -n $cc ]] || { echo "build.sh: no C compiler (gcc or cc) on PATH" >&2; exit 1; }
mkdir -p "$root/target/native"
"$cc" -O2 -Wall -I"$cuda/include" "$root/src/test/c/event_query_loop.c" -L"$cuda/lib64" -l:libcudart.so.13 \
    -Wl,-rpath,"$cuda/lib64" -o "$root/target/native/event_query_loop"
echo "built target/native/event_query_loop with $("$cc" --version | head -1)"
