#!/usr/bin/env bash
# Starts the local 3-replica quorum (or only the named replicas) and waits for a leader.
set -euo pipefail
source "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/common.sh"

usage() {
  cat <<EOF
Usage: $(basename -- "$0") [--dir DIR] [--no-build] [n1|n2|n3 ...]

Starts the replicas of a local quorum on $GCS_HOST (all three unless some are named), in the
background; waits up to \${GCS_BOOT_TIMEOUT:-90} s for them to listen, then up to
\${GCS_START_TIMEOUT:-30} s for a leader, and prints 'gcsctl status'.
A replica whose recorded PID is still a live gcs-server is left alone.

  --dir DIR     data folder, one sub-folder per replica (default \$GCS_LOCAL_DIR, else
                <repo>/.data/local)
  --no-build    do not run 'mvn -B -q package -DskipTests' when the jars are missing

Ports: n1 raft $BASE_RAFT_PORT / api $BASE_API_PORT, then +1 per replica (env BASE_RAFT_PORT,
BASE_API_PORT). JVM options of each replica: env GCS_JAVA_OPTS.
EOF
}

ALLOWED_FLAGS="--no-build"
parse_common_args "$@"
timeout_s="${GCS_START_TIMEOUT:-30}"
boot_timeout_s="${GCS_BOOT_TIMEOUT:-90}"

if ! jars_present; then
  if [[ "$NO_BUILD" == 1 ]]; then
    die "jars missing and --no-build given; run: mvn -B -q package -DskipTests"
  fi
  echo "building (mvn -B -q package -DskipTests) ..."
  (cd -- "$GCS_ROOT" && mvn -B -q package -DskipTests) || die "build failed"
  jars_present || die "build finished but the jars are still missing"
fi

# Decide first, launch after: a port conflict must not leave half of the replicas started.
to_start=()
for id in "${SELECTED[@]}"; do
  if pid="$(running_pid "$id")"; then
    echo "$id: already running (pid $pid); not starting it again"
    continue
  fi
  for port in "$(raft_port "$id")" "$(api_port "$id")"; do
    if port_in_use "$port"; then
      die "$id: $GCS_HOST:$port is already in use (another quorum? see BASE_RAFT_PORT / BASE_API_PORT)"
    fi
  done
  to_start+=("$id")
done

peers="$(peers_arg)"
started=()
for id in ${to_start[@]+"${to_start[@]}"}; do
  rdir="$(replica_dir "$id")"
  mkdir -p -- "$rdir"
  rm -f -- "$(pid_file "$id")"
  log="$(log_file "$id")"
  echo "=== $(date '+%Y-%m-%dT%H:%M:%S%z') start.sh: starting $id" >> "$log"
  nohup "$GCS_ROOT/bin/gcs-server" --id "$id" --data-dir "$rdir" --peers "$peers" \
    >> "$log" 2>&1 < /dev/null &
  echo "$!" > "$(pid_file "$id")"
  started+=("$id")
  echo "$id: started pid $! (raft $GCS_HOST:$(raft_port "$id"), api $GCS_HOST:$(api_port "$id"), log $log)"
done

# A replica that exits right away (port taken, bad data dir) is reported with its log, not waited on.
check_started_alive() {
  local id pid
  for id in ${started[@]+"${started[@]}"}; do
    pid="$(recorded_pid "$id")"
    if [[ ! -d "/proc/$pid" ]]; then
      echo "$id: exited during start-up; last lines of $(log_file "$id"):" >&2
      tail -n 20 -- "$(log_file "$id")" >&2 || true
      rm -f -- "$(pid_file "$id")"
      return 1
    fi
  done
}

# Polls 'gcsctl status' until it exits 0 (a leader exists) and every replica just started answers.
# Sets last_status / last_rc / not_answering.
poll_status() {
  local id
  last_rc=0
  last_status="$(gcsctl --timeout 5s status 2>&1)" || last_rc=$?
  not_answering=()
  for id in ${started[@]+"${started[@]}"}; do
    # An unreachable member's row has no "true" in any column.
    grep -Eq "^$id +$GCS_HOST:$(api_port "$id") .*\<true\>" <<<"$last_status" || not_answering+=("$id")
  done
  [[ $last_rc -eq 0 && ${#not_answering[@]} -eq 0 ]]
}

# JVM start and store open can take a while on a small or busy machine; wait for the API ports
# with a cheap TCP probe before polling with gcsctl (itself a JVM).
if (( ${#started[@]} > 0 )); then
  echo "waiting up to ${boot_timeout_s}s for the replicas to listen ..."
  boot_deadline=$(( SECONDS + boot_timeout_s ))
  for id in "${started[@]}"; do
    until port_in_use "$(api_port "$id")"; do
      check_started_alive || exit 1
      (( SECONDS < boot_deadline )) || die "$id does not listen on $GCS_HOST:$(api_port "$id") after ${boot_timeout_s}s; see $(log_file "$id")"
      sleep 0.5
    done
  done
fi

echo "waiting up to ${timeout_s}s for a leader ..."
deadline=$(( SECONDS + timeout_s ))
until poll_status; do
  check_started_alive || exit 1
  if (( SECONDS >= deadline )); then
    if [[ $last_rc -eq 0 ]]; then
      echo "$last_status"
      echo "warning: a leader exists but ${not_answering[*]} does not answer yet; see $DIR/<id>/gcs.log" >&2
      break
    fi
    echo "no leader after ${timeout_s}s (gcsctl exit code $last_rc). Last 'gcsctl status':" >&2
    echo "$last_status" >&2
    echo "logs: $DIR/<id>/gcs.log; stop with: $(dirname -- "$0")/stop.sh --dir $DIR" >&2
    exit 1
  fi
  sleep 1
done
check_started_alive || exit 1
if [[ ${#not_answering[@]} -eq 0 ]]; then
  echo "$last_status"
fi
echo
echo "export GCSCTL_ENDPOINTS=$(endpoints_arg)"
