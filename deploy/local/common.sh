# Shared by start.sh, stop.sh, status.sh and kill9.sh: the layout of the local 3-replica quorum.
# Sourced, not run. Linux only (reads /proc/PID/cmdline to recognise our own processes).
#
#   replica  raft port            API port
#   n1       BASE_RAFT_PORT       BASE_API_PORT        (defaults 7101 / 7001)
#   n2       BASE_RAFT_PORT + 1   BASE_API_PORT + 1
#   n3       BASE_RAFT_PORT + 2   BASE_API_PORT + 2
#
# Data: ${GCS_LOCAL_DIR:-<repo>/.data/local}/nX/ (or --dir DIR), holding gcs.log, gcs.pid and the
# replica's own data dir contents (raft/, db/).

GCS_ROOT="$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/../.." && pwd)"
GCS_REPLICAS=(n1 n2 n3)
BASE_RAFT_PORT="${BASE_RAFT_PORT:-7101}"
BASE_API_PORT="${BASE_API_PORT:-7001}"
GCS_HOST=127.0.0.1

die() {
  echo "$(basename -- "$0"): $*" >&2
  exit 1
}

usage_error() {
  echo "$(basename -- "$0"): $*" >&2
  echo "Try '$(basename -- "$0") --help'." >&2
  exit 2
}

# Parses the options every script shares. Sets DIR (absolute), SELECTED (replica ids; all if none
# given), NAMED (how many were given) and NO_BUILD. Extra flags a script accepts are listed, as
# space-separated words, in $ALLOWED_FLAGS.
parse_common_args() {
  DIR="${GCS_LOCAL_DIR:-$GCS_ROOT/.data/local}"
  NO_BUILD=0
  SELECTED=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      -h|--help) usage; exit 0 ;;
      --dir) [[ $# -ge 2 ]] || usage_error "--dir needs a value"; DIR="$2"; shift 2 ;;
      --dir=*) DIR="${1#--dir=}"; shift ;;
      --no-build)
        [[ " ${ALLOWED_FLAGS:-} " == *" --no-build "* ]] || usage_error "unknown option: $1"
        NO_BUILD=1; shift ;;
      -*) usage_error "unknown option: $1" ;;
      *)
        replica_index "$1" >/dev/null || usage_error "unknown replica '$1' (one of: ${GCS_REPLICAS[*]})"
        SELECTED+=("$1"); shift ;;
    esac
  done
  [[ -n "$DIR" ]] || usage_error "--dir is empty"
  DIR="$(realpath -m -- "$DIR")"
  NAMED=${#SELECTED[@]}
  if [[ $NAMED -eq 0 ]]; then
    SELECTED=("${GCS_REPLICAS[@]}")
  fi
  for p in "$BASE_RAFT_PORT" "$BASE_API_PORT"; do
    [[ "$p" =~ ^[0-9]+$ ]] && (( p >= 1 && p + ${#GCS_REPLICAS[@]} <= 65536 )) \
      || usage_error "bad base port '$p' (BASE_RAFT_PORT / BASE_API_PORT)"
  done
}

# 0-based position of a replica id, or failure.
replica_index() {
  local i
  for i in "${!GCS_REPLICAS[@]}"; do
    if [[ "${GCS_REPLICAS[$i]}" == "$1" ]]; then
      echo "$i"
      return 0
    fi
  done
  return 1
}

raft_port() { echo $(( BASE_RAFT_PORT + $(replica_index "$1") )); }
api_port() { echo $(( BASE_API_PORT + $(replica_index "$1") )); }

# id=host:raftPort:apiPort,... for --peers
peers_arg() {
  local out="" id
  for id in "${GCS_REPLICAS[@]}"; do
    out+="${out:+,}$id=$GCS_HOST:$(raft_port "$id"):$(api_port "$id")"
  done
  echo "$out"
}

# host:apiPort,... for gcsctl --endpoints
endpoints_arg() {
  local out="" id
  for id in "${GCS_REPLICAS[@]}"; do
    out+="${out:+,}$GCS_HOST:$(api_port "$id")"
  done
  echo "$out"
}

replica_dir() { echo "$DIR/$1"; }
pid_file() { echo "$DIR/$1/gcs.pid"; }
log_file() { echo "$DIR/$1/gcs.log"; }

# The PID recorded for a replica, or nothing.
recorded_pid() {
  local f
  f="$(pid_file "$1")"
  [[ -f "$f" ]] || return 0
  local pid
  pid="$(tr -dc '0-9' < "$f")"
  echo "$pid"
}

# True only if PID is alive and is a gcs-server JVM running replica $2 of this data dir, so a
# recycled PID can never make us signal somebody else's process.
is_our_replica() {
  local pid="$1" id="$2" cmd
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  cmd="$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *gcs-server.jar* && "$cmd" == *"--data-dir $(replica_dir "$id") "* ]]
}

# PID of the replica if it is running, else nothing (and failure).
running_pid() {
  local pid
  pid="$(recorded_pid "$1")"
  if [[ -n "$pid" ]] && is_our_replica "$pid" "$1"; then
    echo "$pid"
    return 0
  fi
  return 1
}

# True if something accepts TCP connections on $GCS_HOST:$1.
port_in_use() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$GCS_HOST/$1" 2>/dev/null
}

jars_present() {
  [[ -f "$GCS_ROOT/server/target/gcs-server.jar" && -f "$GCS_ROOT/cli/target/gcsctl.jar" ]]
}

# gcsctl against this quorum's endpoints.
gcsctl() {
  "$GCS_ROOT/bin/gcsctl" --endpoints "$(endpoints_arg)" "$@"
}
