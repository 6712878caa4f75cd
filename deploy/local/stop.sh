#!/usr/bin/env bash
# Stops the local quorum (or only the named replicas): SIGTERM, up to 10 s, then SIGKILL.
set -euo pipefail
source "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/common.sh"

usage() {
  cat <<EOF
Usage: $(basename -- "$0") [--dir DIR] [n1|n2|n3 ...]

Sends SIGTERM to each named replica (all if none named), waits up to \${GCS_STOP_TIMEOUT:-10} s,
then SIGKILLs what is left, and removes the pid files. Only a PID whose command line is a
gcs-server.jar running that replica's data dir is ever signalled. A leader that gets SIGTERM
first hands leadership to its most caught-up follower.

  --dir DIR     data folder (default \$GCS_LOCAL_DIR, else <repo>/.data/local)
EOF
}

parse_common_args "$@"
timeout_s="${GCS_STOP_TIMEOUT:-10}"

stopping=()
for id in "${SELECTED[@]}"; do
  if pid="$(running_pid "$id")"; then
    echo "$id: SIGTERM pid $pid"
    kill -TERM "$pid" 2>/dev/null || true
    stopping+=("$id:$pid")
  else
    pid="$(recorded_pid "$id")"
    if [[ -n "$pid" ]]; then
      echo "$id: not running (stale pid $pid); removing its pid file"
    else
      echo "$id: not running"
    fi
    rm -f -- "$(pid_file "$id")"
  fi
done

deadline=$(( SECONDS + timeout_s ))
while :; do
  left=()
  for entry in ${stopping[@]+"${stopping[@]}"}; do
    id="${entry%%:*}" pid="${entry#*:}"
    if is_our_replica "$pid" "$id"; then
      left+=("$entry")
    else
      echo "$id: stopped"
      rm -f -- "$(pid_file "$id")"
    fi
  done
  stopping=(${left[@]+"${left[@]}"})
  (( ${#stopping[@]} > 0 )) || break
  if (( SECONDS >= deadline )); then
    for entry in "${stopping[@]}"; do
      id="${entry%%:*}" pid="${entry#*:}"
      if is_our_replica "$pid" "$id"; then
        echo "$id: still running after ${timeout_s}s; SIGKILL pid $pid"
        kill -KILL "$pid" 2>/dev/null || true
      fi
      rm -f -- "$(pid_file "$id")"
    done
    break
  fi
  sleep 0.2
done
