#!/usr/bin/env bash
# Start-up: `inbox contact list` on an empty repository against a static-linked Swift
# hello-world that imports Foundation, built the same way and timed in the same run
# (DESIGN §5: within 1.5x), and against taskwarrior's `task count` on an empty database.
# Needs hyperfine (and task, if installed). Prints medians and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

swift build -c release --static-swift-stdlib >/dev/null
mkdir -p "$work/hello"
printf 'import Foundation\nprint("hello, world")\n' > "$work/hello/main.swift"
swiftc -O -static-stdlib "$work/hello/main.swift" -o "$work/hello/hello"

.build/release/inbox init "$work/repo" >/dev/null
commands=("$work/hello/hello" ".build/release/inbox --repo $work/repo contact list")
names=("hello-foundation" "inbox-contact-list")
if command -v task >/dev/null; then
  export TASKDATA="$work/task" TASKRC="$work/taskrc"
  mkdir -p "$TASKDATA"; : > "$TASKRC"
  task rc.confirmation=off count >/dev/null 2>&1 || true
  commands+=("task rc.verbose=nothing count")
  names+=("taskwarrior-count")
fi

args=()
for i in "${!commands[@]}"; do args+=(--command-name "${names[$i]}" "${commands[$i]}"); done
hyperfine -N --warmup 20 --runs "${RUNS:-300}" --export-json "$work/out.json" "${args[@]}" >/dev/null

# Medians and ratios to the hello-world baseline.
jq -r '
  (.results[] | select(.command=="hello-foundation") | .median) as $base
  | .results[] | "\(.command)\t median \(.median*1000 | . * 100 | round / 100) ms\t ratio \(.median/$base | . * 100 | round / 100)"
' "$work/out.json"

# Instructions executed (valgrind counts them exactly, whatever else the machine is doing).
if command -v valgrind >/dev/null; then
  count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null | sed -n 's/.*refs: *//p' | tr -d ,; }
  base=$(count "$work/hello/hello")
  mine=$(count .build/release/inbox --repo "$work/repo" contact list)
  echo "instructions: hello-foundation $base, inbox-contact-list $mine, ratio $(awk "BEGIN{printf \"%.2f\", $mine/$base}")"
fi
