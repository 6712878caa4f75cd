#!/usr/bin/env bash
# Shows each local replica's process state, then 'gcsctl status' (exits with gcsctl's code:
# 0 when a leader is known, 4 when not).
set -euo pipefail
source "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/common.sh"

usage() {
  cat <<EOF
Usage: $(basename -- "$0") [--dir DIR]

Per replica: its recorded PID and whether that PID is a live gcs-server; then 'gcsctl status'
against all replicas' API endpoints.
  --dir DIR     data folder (default \$GCS_LOCAL_DIR, else <repo>/.data/local)
EOF
}

parse_common_args "$@"

echo "data dir: $DIR"
printf '%-4s  %-8s  %-8s  %-15s  %-15s  %s\n' ID PROCESS PID RAFT API LOG
for id in "${GCS_REPLICAS[@]}"; do
  pid="$(recorded_pid "$id")"
  if [[ -z "$pid" ]]; then
    state=stopped pid=-
  elif is_our_replica "$pid" "$id"; then
    state=alive
  else
    state=dead
  fi
  printf '%-4s  %-8s  %-8s  %-15s  %-15s  %s\n' "$id" "$state" "$pid" \
    "$GCS_HOST:$(raft_port "$id")" "$GCS_HOST:$(api_port "$id")" "$(log_file "$id")"
done
echo

if ! jars_present; then
  echo "jars not built; run: mvn -B -q package -DskipTests" >&2
  exit 2
fi
rc=0
gcsctl --timeout "${GCS_STATUS_TIMEOUT:-3s}" status || rc=$?
exit "$rc"
