# shellcheck shell=bash
# moto.sh: a bash library that installs, starts and stops a local `moto_server` (a fake STS) for the
# tests and the demo. Source it, then:
#
#     source scripts/moto.sh
#     moto_install                 # creates .venv and installs the pinned moto[server] if missing
#     moto_start                   # starts moto on 127.0.0.1:<free port>, exports
#                                  # AWS_CONNECTOR_TEST_STS_ENDPOINT=http://127.0.0.1:<port>
#     trap moto_stop EXIT          # stops it by PID, even when a later command fails
#     cargo test --all-features
#
# Settings (environment variables, all optional):
#   MOTO_VERSION      the moto version to install (default below; pinned on purpose)
#   MOTO_VENV         the virtualenv to use (default: <repo>/.venv)
#   MOTO_PYTHON       the Python used to create the virtualenv (default: python3)
#   MOTO_LOG          where moto's output goes (default: <repo>/target/moto.log)
#   MOTO_START_TIMEOUT seconds to wait for moto to answer (default: 30)
#
# Never relies on a moto installed elsewhere on the machine: the virtualenv is the project's own.

MOTO_VERSION="${MOTO_VERSION:-5.2.1}"
# boto3/botocore: an independent real AWS client for the credential_process tests (pinned too).
BOTO3_VERSION="${BOTO3_VERSION:-1.43.11}"
_MOTO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MOTO_VENV="${MOTO_VENV:-$_MOTO_ROOT/.venv}"
MOTO_PYTHON="${MOTO_PYTHON:-python3}"
MOTO_LOG="${MOTO_LOG:-$_MOTO_ROOT/target/moto.log}"
MOTO_START_TIMEOUT="${MOTO_START_TIMEOUT:-30}"
MOTO_PID="${MOTO_PID:-}"

_moto_say() { printf 'moto.sh: %s\n' "$*" >&2; }

# Installs moto[server]==$MOTO_VERSION into $MOTO_VENV unless that exact version is already there.
moto_install() {
  local installed=""
  if [[ -x "$MOTO_VENV/bin/python" ]]; then
    installed="$("$MOTO_VENV/bin/python" -c 'import moto; print(moto.__version__)' 2>/dev/null || true)"
  fi
  local boto=""
  if [[ -x "$MOTO_VENV/bin/python" ]]; then
    boto="$("$MOTO_VENV/bin/python" -c 'import boto3; print(boto3.__version__)' 2>/dev/null || true)"
  fi
  if [[ "$installed" == "$MOTO_VERSION" && "$boto" == "$BOTO3_VERSION" && -x "$MOTO_VENV/bin/moto_server" ]]; then
    return 0
  fi
  if [[ ! -x "$MOTO_VENV/bin/python" ]]; then
    _moto_say "creating virtualenv $MOTO_VENV"
    "$MOTO_PYTHON" -m venv "$MOTO_VENV" || { _moto_say "could not create $MOTO_VENV"; return 1; }
  fi
  _moto_say "installing moto[server]==$MOTO_VERSION into $MOTO_VENV"
  "$MOTO_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "moto[server]==$MOTO_VERSION" "boto3==$BOTO3_VERSION" "botocore==$BOTO3_VERSION" \
    || { _moto_say "pip install failed"; return 1; }
}

# Prints a TCP port that was free on 127.0.0.1 a moment ago.
_moto_free_port() {
  "$MOTO_VENV/bin/python" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# Exit status 0 once something answers HTTP on the URL (any status code counts as ready).
_moto_answers() {
  "$MOTO_VENV/bin/python" - "$1" <<'PY' >/dev/null 2>&1
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(sys.argv[1] + "/moto-api/", timeout=1)
except urllib.error.HTTPError:
    pass
PY
}

# Starts moto_server on 127.0.0.1 with a free port, waits (bounded) until it answers, and exports
# AWS_CONNECTOR_TEST_STS_ENDPOINT and MOTO_PID. Tries a few ports in case one is taken meanwhile.
moto_start() {
  if [[ -n "$MOTO_PID" ]] && kill -0 "$MOTO_PID" 2>/dev/null; then
    _moto_say "already running (pid $MOTO_PID) at $AWS_CONNECTOR_TEST_STS_ENDPOINT"
    return 0
  fi
  if [[ ! -x "$MOTO_VENV/bin/moto_server" ]]; then
    _moto_say "moto is not installed in $MOTO_VENV: run moto_install first"
    return 1
  fi
  mkdir -p "$(dirname "$MOTO_LOG")"
  local attempt port url waited
  for attempt in 1 2 3; do
    port="$(_moto_free_port)" || return 1
    url="http://127.0.0.1:$port"
    "$MOTO_VENV/bin/moto_server" -H 127.0.0.1 -p "$port" >>"$MOTO_LOG" 2>&1 &
    MOTO_PID=$!
    waited=0
    while (( waited < MOTO_START_TIMEOUT * 10 )); do
      if ! kill -0 "$MOTO_PID" 2>/dev/null; then
        break
      fi
      if _moto_answers "$url"; then
        export AWS_CONNECTOR_TEST_STS_ENDPOINT="$url"
        export MOTO_PID
        _moto_say "moto $MOTO_VERSION ready at $url (pid $MOTO_PID)"
        return 0
      fi
      sleep 0.1
      waited=$((waited + 1))
    done
    _moto_say "moto did not come up on port $port (attempt $attempt); see $MOTO_LOG"
    moto_stop
  done
  return 1
}

# Stops the moto_server started by moto_start, by PID (TERM, then KILL after 5 s). Safe to call
# twice and when nothing was started, so it can sit in `trap moto_stop EXIT`.
moto_stop() {
  local pid="$MOTO_PID" waited=0
  MOTO_PID=""
  unset AWS_CONNECTOR_TEST_STS_ENDPOINT
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && (( waited < 50 )); do
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      _moto_say "moto (pid $pid) ignored TERM; sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
  return 0
}
