#!/usr/bin/env bash
# Crashes one replica of the local quorum with SIGKILL (no leadership hand-over, no clean close),
# for failover demos. Restart it with: deploy/local/start.sh nX
set -euo pipefail
source "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/common.sh"

usage() {
  cat <<EOF
Usage: $(basename -- "$0") [--dir DIR] n1|n2|n3 [...]

Sends SIGKILL to the named replica(s). Its pid file is kept, so status.sh shows it as dead.
  --dir DIR     data folder (default \$GCS_LOCAL_DIR, else <repo>/.data/local)
EOF
}

parse_common_args "$@"
(( NAMED > 0 )) || usage_error "name the replica to kill (one of: ${GCS_REPLICAS[*]})"

rc=0
for id in "${SELECTED[@]}"; do
  if pid="$(running_pid "$id")"; then
    kill -KILL "$pid"
    echo "$id: killed pid $pid (SIGKILL)"
  else
    echo "$id: not running" >&2
    rc=1
  fi
done
exit "$rc"
