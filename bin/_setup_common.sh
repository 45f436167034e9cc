# shellcheck shell=bash
# Shared set-up for bin/serve and bin/test. Source it; it defines functions and ROOT, and changes nothing by itself.
#
#   ensure_debs PKG...     install the Debian packages that are missing (apt-get update once, only if needed)
#   ensure_venv            create .venv if missing; install requirements.lock only when it changed
#   pg_start / pg_stop     a throw-away PostgreSQL cluster on a unix socket; pg_start exports PG_URL

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

# What the app itself needs from Debian: Japanese fonts for pages and PDFs, WeasyPrint's libraries.
# shellcheck disable=SC2034 # used by bin/serve and bin/test
APP_DEBS=(fonts-ipaexfont fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
# What the tests need on top: a PostgreSQL server, pdftotext/pdffonts, a browser for Playwright.
# shellcheck disable=SC2034
TEST_DEBS=(postgresql-15 poppler-utils chromium)

say() { printf '%s\n' "$*" >&2; }
die() {
    say "error: $*"
    exit 1
}

_apt_updated=0

# Prints the packages among the arguments that are not installed.
missing_debs() {
    local pkg status
    for pkg in "$@"; do
        status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
        [[ "$status" == "install ok installed" ]] || printf '%s\n' "$pkg"
    done
}

ensure_debs() {
    command -v dpkg-query >/dev/null 2>&1 || {
        say "note: not a Debian system; make sure these are installed: $*"
        return 0
    }
    local missing
    mapfile -t missing < <(missing_debs "$@")
    ((${#missing[@]} == 0)) && return 0
    if ((EUID != 0)); then
        die "missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})"
    fi
    say "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    local apt=(apt-get -q -o DPkg::Lock::Timeout=600)
    if ((_apt_updated == 0)); then
        "${apt[@]}" update >/dev/null
        _apt_updated=1
    fi
    "${apt[@]}" install -y --no-install-recommends "${missing[@]}" </dev/null >/dev/null
}

# The interpreter that builds the venv: python3.11, else python3 (Debian 12's is 3.11), with venv/ensurepip.
_base_python() {
    local py
    py="$(command -v python3.11 || command -v python3 || true)"
    if [[ -z "$py" ]]; then
        ensure_debs python3 python3-venv
        py=/usr/bin/python3
    fi
    if ! "$py" -c 'import ensurepip, venv' >/dev/null 2>&1; then
        # Debian splits venv support out of python3.
        ensure_debs python3-venv
        "$py" -c 'import ensurepip, venv' >/dev/null 2>&1 || die "$py cannot create a virtual environment"
    fi
    "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || die "$py is older than Python 3.11"
    printf '%s\n' "$py"
}

_venv_locked() {
    local stamp="$VENV/.requirements.lock.sha256" want have=""
    if ! "$PY" -c 'import sys' >/dev/null 2>&1; then
        local base
        base="$(_base_python)"
        say "Creating .venv with $base"
        rm -rf "$VENV"
        "$base" -m venv "$VENV"
    fi
    want="$(cat "$ROOT/requirements.lock" <("$PY" -VV) | sha256sum | cut -d' ' -f1)"
    [[ -f "$stamp" ]] && have="$(cat "$stamp")"
    if [[ "$want" != "$have" ]]; then
        say "Installing requirements.lock into .venv"
        "$PY" -m pip install --quiet --disable-pip-version-check --no-input -r "$ROOT/requirements.lock"
        printf '%s\n' "$want" >"$stamp"
    fi
}

ensure_venv() {
    if command -v flock >/dev/null 2>&1; then
        # bin/serve and bin/test may start together; one of them builds the venv, the other waits.
        local lock
        lock="${TMPDIR:-/tmp}/koban-venv-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12).lock"
        (
            flock 9
            _venv_locked
        ) 9>"$lock"
    else
        _venv_locked
    fi
}

# --- Throw-away PostgreSQL ------------------------------------------------------------------------------------
# The server refuses to run as root, so as root the cluster belongs to the postgres user.

PG_TMP=""
PG_URL=""

_pg_bin() {
    if [[ -n "${PG_BIN:-}" ]]; then
        printf '%s\n' "$PG_BIN"
    elif [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
        printf '%s\n' /usr/lib/postgresql/15/bin
    else
        # Any other installed major version, newest first.
        local dir
        dir="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1)"
        [[ -n "$dir" ]] || die "no PostgreSQL server found (apt-get install postgresql-15)"
        printf '%s\n' "$dir"
    fi
}

_as_pg() {
    if ((EUID == 0)); then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

_free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts the cluster in a new temp dir, creates database "koban", exports PG_URL. Call pg_stop from a trap.
pg_start() {
    local bin port
    bin="$(_pg_bin)"
    port="$(_free_port)"
    PG_TMP="$(mktemp -d "${TMPDIR:-/tmp}/koban-pg.XXXXXX")"
    if ((EUID == 0)); then
        chown postgres:postgres "$PG_TMP"
    fi
    chmod 700 "$PG_TMP"
    _as_pg "$bin/initdb" -D "$PG_TMP/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$PG_TMP/initdb.log" 2>&1 ||
        {
            cat "$PG_TMP/initdb.log" >&2
            die "initdb failed"
        }
    # Durability is worthless for a cluster that lives a few minutes; speed is not.
    _as_pg "$bin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
        -o "-k $PG_TMP -p $port -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null ||
        {
            cat "$PG_TMP/server.log" >&2 || true
            die "PostgreSQL did not start"
        }
    _as_pg "$bin/createdb" -h "$PG_TMP" -p "$port" -U postgres koban
    PG_URL="postgres://postgres@/koban?host=$PG_TMP&port=$port"
    export PG_TMP PG_URL
    say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') running on socket $PG_TMP port $port"
}

pg_stop() {
    [[ -n "$PG_TMP" && -d "$PG_TMP" ]] || return 0
    if [[ -f "$PG_TMP/data/postmaster.pid" ]]; then
        _as_pg "$(_pg_bin)/pg_ctl" -D "$PG_TMP/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_TMP"
    PG_TMP=""
}
