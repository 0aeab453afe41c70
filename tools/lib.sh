# Shared set-up for tools/run, tools/test and tools/i18n (sourced, not run).
# Everything generated lives in the cache folder, never in the checkout.
# DEVELOPERS.md explains the steps and the environment variables.
set -eEuo pipefail
trap 'echo "ERROR: ${BASH_SOURCE[0]}:$LINENO: $BASH_COMMAND failed" >&2' ERR

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
MODULE=certified_support
CACHE=${CS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/certified-support}
ODOO_SRC_URL=${ODOO_SRC_URL:-https://nightly.odoo.com/19.0/nightly/src/odoo_19.0.latest.tar.gz}
VENV=${CS_VENV:-$CACHE/venv}
PY=$VENV/bin/python
# Odoo names a module after its folder and a clone can be called anything:
# each checkout gets <cache>/checkouts/<hash of its path>/addons/certified_support -> checkout.
WORK=$CACHE/checkouts/$(printf %s "$ROOT" | sha1sum | cut -c1-12)
LINK=$WORK/addons/$MODULE
CONF=$WORK/odoo.conf
SYS_PKGS=(
    postgresql postgresql-client              # database server and client tools
    build-essential python3-dev libpq-dev     # psycopg2 and rjsmin build from source
    libldap2-dev libsasl2-dev                 # python-ldap builds from source
    libmagic1 curl ca-certificates git gettext  # python-magic, download, stamps, msgmerge
    wkhtmltopdf chromium fonts-dejavu-core    # PDF reports, tours, Greek glyphs
)

if [ -t 2 ]; then B=$'\e[1m' R=$'\e[0m'; else B='' R=''; fi
say() { printf '%s==> %s%s\n' "$B" "$*" "$R" >&2; }
die() { printf '%sERROR: %s%s\n' "$B" "$*" "$R" >&2; exit 1; }
odoo() { "$PY" "$ODOO_SRC/odoo-bin" "$@"; }

# --- system packages --------------------------------------------------------
need_pkgs() {  # need_pkgs PKG...: apt-get install those dpkg does not have
    command -v dpkg-query >/dev/null || { say "Not Debian: make sure these are installed: $*"; return 0; }
    local have missing=() p
    have=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null | awk '$2=="installed"{print $1}' || true)
    for p in "$@"; do grep -qx -- "$p" <<<"$have" || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null && { sudo -n true 2>/dev/null || [ -t 0 ]; }; then
            sudo=(sudo)
        else
            die "missing system packages; run this, then try again:
    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
        fi
    fi
    say "Installing system packages: ${missing[*]}"
    local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q)
    "${apt[@]}" update >&2 \
        && "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >&2 \
        || die "apt-get could not install: ${missing[*]} (no network?)"
}

# --- Odoo 19.0 source ---------------------------------------------------------
ensure_odoo_src() {
    if [ -n "${ODOO_SRC:-}" ] && [ -f "$ODOO_SRC/odoo-bin" ]; then
        ODOO_SRC=$(cd "$ODOO_SRC" && pwd -P); return 0
    fi
    [ -n "${ODOO_SRC:-}" ] && say "ODOO_SRC=$ODOO_SRC has no odoo-bin: using the cache folder instead"
    ODOO_SRC=$CACHE/odoo-19.0
    [ -f "$ODOO_SRC/odoo-bin" ] && return 0
    say "Odoo 19.0 source not found: downloading $ODOO_SRC_URL into $ODOO_SRC (a few hundred MB)"
    mkdir -p "$CACHE"
    local tmp; tmp=$(mktemp -d "$CACHE/.download.XXXXXX")
    if ! curl -fL --retry 2 --connect-timeout 20 -o "$tmp/odoo.tar.gz" "$ODOO_SRC_URL"; then
        rm -rf "$tmp"
        die "could not download $ODOO_SRC_URL (no network?). Point ODOO_SRC to an unpacked Odoo 19.0
       source folder (with odoo-bin), or ODOO_SRC_URL to a reachable copy of the archive."
    fi
    mkdir "$tmp/src"
    tar -xzf "$tmp/odoo.tar.gz" -C "$tmp/src" --strip-components=1 || { rm -rf "$tmp"; die "bad archive: $ODOO_SRC_URL"; }
    [ -f "$tmp/src/odoo-bin" ] || { rm -rf "$tmp"; die "no odoo-bin in $ODOO_SRC_URL"; }
    rm -rf "$ODOO_SRC"; mv "$tmp/src" "$ODOO_SRC"; rm -rf "$tmp"
}
check_odoo_version() {
    grep -q '^version_info = (19, 0,' "$ODOO_SRC/odoo/release.py" \
        || die "$ODOO_SRC is not Odoo 19.0 (see its odoo/release.py)"
}

# --- Python virtualenv ------------------------------------------------------
ensure_venv() {
    local python=${CS_PYTHON:-python3} want
    want="$("$python" --version 2>&1) $(cat "$ODOO_SRC/requirements.txt" "$ROOT/tools/requirements.txt" | sha1sum)"
    if [ ! -x "$PY" ] || [ "$(cat "$VENV/.stamp" 2>/dev/null)" != "$want" ]; then
        "$python" -c 'import ensurepip' 2>/dev/null || need_pkgs python3-venv
        say "Installing Odoo's requirements and tools/requirements.txt into $VENV (2-3 minutes)"
        [ -x "$PY" ] || "$python" -m venv "$VENV"
        # PIP_CONSTRAINT= : the machine-wide pip constraints file must not fight Odoo's pins.
        # (sed: hide the warnings of a pip config pointing to missing local mirrors)
        PIP_CONSTRAINT='' "$PY" -m pip install -q --disable-pip-version-check \
            -r "$ODOO_SRC/requirements.txt" -r "$ROOT/tools/requirements.txt" \
            2> >(sed '/^WARNING: Location .* is ignored/d' >&2) \
            || die "pip install failed (see above)"
        echo "$want" >"$VENV/.stamp"
    fi
    # Odoo itself: its source folder on sys.path (no pip install, so switching ODOO_SRC is instant).
    local site; site=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    [ "$(cat "$site/odoo-src.pth" 2>/dev/null)" = "$ODOO_SRC" ] || echo "$ODOO_SRC" >"$site/odoo-src.pth"
}

# --- PostgreSQL -------------------------------------------------------------
as_pg_owner() { if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

ensure_pg() {  # sets DB_HOST DB_PORT DB_USER DB_PASSWORD (empty = libpq's default) and PG_WHAT
    # An empty variable counts as unset: odoo-bin reads PGPORT itself and refuses PGPORT=''.
    local v; for v in PGHOST PGPORT PGUSER PGPASSWORD; do [ -n "${!v:-}" ] || unset "$v"; done
    if [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ]; then
        [[ ${PGPORT:-5432} =~ ^[0-9]+$ ]] || die "PGPORT=$PGPORT is not a port number"
        if pg_isready -q; then
            DB_HOST=${PGHOST:-} DB_PORT=${PGPORT:-} DB_USER=${PGUSER:-$(id -un)} DB_PASSWORD=${PGPASSWORD:-}
            PG_WHAT="your server, from PGHOST/PGPORT/PGUSER"
            check_pg_role
            return 0
        fi
        say "No PostgreSQL server answers at host ${PGHOST:-(local socket)}, port ${PGPORT:-5432} (PGHOST/PGPORT/PGUSER): using the private cluster instead"
    fi
    local bin pgdata
    # PostgreSQL refuses to run as root: then the cluster belongs to the postgres user, and
    # lives where that user can reach it (not under /root); $CACHE/pg links to it.
    if [ "$(id -u)" -eq 0 ]; then pgdata=${CS_PGDATA:-/var/lib/postgresql/certified-support}
    else pgdata=${CS_PGDATA:-$CACHE/pg}; fi
    if [ -f "$pgdata/PG_VERSION" ]; then bin=/usr/lib/postgresql/$(cat "$pgdata/PG_VERSION")/bin
    else bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1); fi
    [ -x "$bin/pg_ctl" ] || die "PostgreSQL server binaries not found in ${bin:-/usr/lib/postgresql/*/bin}"
    if [ ! -f "$pgdata/PG_VERSION" ]; then
        say "Creating a private PostgreSQL cluster in $pgdata (unix socket only, role odoo)"
        mkdir -p "$pgdata"; chmod 700 "$pgdata"
        [ "$(id -u)" -eq 0 ] && chown postgres: "$pgdata"
        as_pg_owner "$bin/initdb" -D "$pgdata" -U odoo -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
        # No TCP: only a socket in the data folder (mode 0700), so only its owner (and root)
        # can connect. fsync off: a throw-away development cluster, much faster installs.
        cat >>"$pgdata/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$pgdata'
unix_socket_permissions = 0700
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    fi
    [ "$pgdata" = "$CACHE/pg" ] || { mkdir -p "$CACHE"; ln -sfn "$pgdata" "$CACHE/pg"; }
    if ! as_pg_owner "$bin/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
        say "Starting the private PostgreSQL server ($pgdata)"
        as_pg_owner "$bin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w -t 60 start >/dev/null \
            || die "PostgreSQL did not start, see $pgdata/server.log"
    fi
    DB_HOST=$pgdata DB_PORT=5432 DB_USER=odoo DB_PASSWORD=''
    PG_WHAT="the private cluster"
}

sql_ident() {  # a role name as SQL spells it: bare when it can be, else double-quoted
    if [[ $1 =~ ^[a-z_][a-z0-9_]*$ ]]; then printf %s "$1"; else printf '"%s"' "${1//\"/\"\"}"; fi
}
check_pg_role() {  # the server of PGHOST/PGPORT/PGUSER answers: can Odoo work there as DB_USER?
    local role out; role=$(sql_ident "$DB_USER")
    [ "$DB_USER" != postgres ] || die "Odoo refuses to connect as the PostgreSQL superuser postgres. Create a role
       for it, then set PGUSER=odoo and PGPASSWORD; as postgres (e.g. sudo -u postgres psql):
    CREATE ROLE odoo LOGIN CREATEDB PASSWORD 'choose-one';"
    out=$(psql -d postgres -XAtqc "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user" 2>&1) \
        || die "the PostgreSQL server at host ${DB_HOST:-(local socket)}, port ${DB_PORT:-5432} answers, but not to user $DB_USER:
       $out
       Set PGUSER (and PGPASSWORD) to a role that may log in, or create one; as a superuser:
    CREATE ROLE $role LOGIN CREATEDB PASSWORD 'choose-one';"
    [ "$out" = t ] || die "the PostgreSQL role $DB_USER may not create databases, and Odoo creates its own.
       As a superuser of that server (e.g. sudo -u postgres psql), run:
    ALTER ROLE $role CREATEDB;"
}

# --- Odoo configuration, addons link ----------------------------------------
write_conf() {
    mkdir -p "$WORK/addons"
    ln -sfn "$ROOT" "$LINK"
    (umask 077  # it may hold PGPASSWORD
    {
        echo "[options]"
        echo "addons_path = $WORK/addons,$ODOO_SRC/addons,$ODOO_SRC/odoo/addons"
        echo "data_dir = $CACHE/data"
        echo "http_interface = ${CS_HTTP_INTERFACE:-127.0.0.1}"
        echo "http_port = ${CS_HTTP_PORT:-8069}"
        # Browser tours' screenshots and Chrome logs (Odoo's default, <system tmp>/odoo_tests,
        # belongs to whoever ran tests there first: a second user's tours fail on it).
        echo "screenshots = $CACHE/odoo_tests"
        # Odoo 19 rejects "key = False" and "db_port =": unset keys are left out.
        if [ -n "$DB_HOST" ]; then echo "db_host = $DB_HOST"; fi
        if [ -n "$DB_PORT" ]; then echo "db_port = $DB_PORT"; fi
        echo "db_user = $DB_USER"
        if [ -n "$DB_PASSWORD" ]; then echo "db_password = $DB_PASSWORD"; fi
    } >"$CONF.new")
    mv "$CONF.new" "$CONF"
    # For psql/createdb/dropdb, and odoo-bin reads them too (they win over odoo.conf): the
    # same values, and none of them empty (not PGDATABASE: Odoo would take it as its database).
    export PGUSER=$DB_USER
    if [ -n "$DB_HOST" ]; then export PGHOST=$DB_HOST; else unset PGHOST; fi
    if [ -n "$DB_PORT" ]; then export PGPORT=$DB_PORT; else unset PGPORT; fi
    if [ -n "$DB_PASSWORD" ]; then export PGPASSWORD=$DB_PASSWORD; else unset PGPASSWORD; fi
}

say_pg() {  # say_pg [DATABASE]: the connection chosen, in one line
    say "PostgreSQL ($PG_WHAT): host ${DB_HOST:-(local socket)}, port ${DB_PORT:-5432}, user $DB_USER, database ${1:-(none given)}"
}

setup() {  # setup [DATABASE]: everything above; DATABASE is only named in the connection line
    need_pkgs "${SYS_PKGS[@]}"
    ensure_odoo_src
    check_odoo_version
    ensure_venv
    ensure_pg
    write_conf
    say_pg "${1:-}"
}

# --- lint: ruff and pylint-odoo, at the settings of .ruff.toml and .pylintrc ---------
lint_pylint() {  # pylint with pylint-odoo on the addon's Python package; returns 1 on a finding
    # pylint-odoo names the addon after its folder (a checkout can be called anything), and
    # the symlink of step 5 is resolved: it reads a copy in a folder named certified_support,
    # in a git repository of its own (it asks git where the repository's top is).
    local copy=$WORK/lint/$MODULE
    rm -rf "$WORK/lint"; mkdir -p "$copy"
    if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        (cd "$ROOT" && git ls-files -z -c -o --exclude-standard -- . | xargs -0 -r cp --parents -t "$copy" 2>/dev/null) || true
    else
        tar -C "$ROOT" --exclude=.git -cf - . | tar -C "$copy" -xf -
    fi
    git -C "$WORK/lint" init -q
    # Odoo's source off sys.path: pylint-odoo's checks read the addon's own files, and inferring
    # through Odoo's makes the same findings in twice the time.
    (cd "$WORK/lint" && "$VENV/bin/pylint" --rcfile="$ROOT/.pylintrc" --output-format=text -j 0 \
        --init-hook="import sys; sys.path[:] = [p for p in sys.path if not p.startswith('$ODOO_SRC')]" "$MODULE" \
        | sed -e '/^\*\*\*\*\*/d' -e "s#^$MODULE/##")
}
lint() {  # lint [--fix]: dies listing the findings; --fix lets ruff fix and format what it can first
    local rc=0
    if [ "${1:-}" = --fix ]; then
        (cd "$ROOT" && { "$VENV/bin/ruff" check --fix --quiet . || true; } && "$VENV/bin/ruff" format --quiet .)
    fi
    say "Lint: ruff check, ruff format --check, pylint with pylint-odoo (.pylintrc)"
    (cd "$ROOT" && "$VENV/bin/ruff" check --no-fix --output-format=concise --quiet .) || rc=1
    (cd "$ROOT" && "$VENV/bin/ruff" format --check --quiet .) || rc=1
    lint_pylint || rc=1
    [ "$rc" -eq 0 ] || die "lint findings above (paths relative to the checkout). \`tools/lint --fix\` fixes
       the import order and the formatting; DEVELOPERS.md, \"Lint and format\", says how to treat the rest."
}

# --- databases, with a stamp kept as the database's comment -------------------
addon_hash() {  # what the installed module depends on: the addon's files (not tests/, docs, tooling)
    (cd "$ROOT"
     if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
         git ls-files -z -c -o --exclude-standard -- . ':!tests' ':!tools' ':!.ci' ':!*.md' ':!.[a-z]*' ':!pyproject.toml' \
             | sort -zu | xargs -0 -r sha1sum 2>/dev/null
     else
         find . -type f -not -path './.git/*' -not -path './tests/*' -not -name '*.pyc' -printf '%P %s %T@\n' | sort
     fi) | sha1sum | cut -c1-40
}
db_stamp() {  # prints the stamp, "none" when it has none, nothing when the database does not exist
    psql -d postgres -XAtqc "SELECT coalesce(shobj_description(oid, 'pg_database'), 'none')
                 FROM pg_database WHERE datname = '$1'"
}
set_stamp() { psql -d postgres -XAtqc "COMMENT ON DATABASE \"$1\" IS '$2'"; }
drop_db() {
    PGOPTIONS='-c client_min_messages=warning' dropdb --if-exists --force "$1"
    rm -rf "$CACHE/data/filestore/$1"
}
build_db() {  # build_db DB ODOO-ARGS...: a fresh database with the addon installed
    local db=$1; shift
    drop_db "$db"
    say "Creating database $db with $MODULE installed${*:+ ($*)}"
    odoo -c "$CONF" -d "$db" -i "$MODULE" "$@" --stop-after-init --log-level=warn \
        || die "installing $MODULE into $db failed (see the log above)"
    set_stamp "$db" "flags:$* :: $(addon_hash)"
}
sync_db() {  # sync_db DB ODOO-ARGS...: build it if missing, update the addon if its files changed
    local db=$1; shift
    local stamp want; stamp=$(db_stamp "$db"); want="flags:$* :: $(addon_hash)"
    if [ "${stamp% :: *}" != "flags:$*" ]; then
        if [ -n "$stamp" ]; then say "Database $db was not built by these tools with these options, or its build failed: rebuilding it"; fi
        build_db "$db" "$@"
    elif [ "$stamp" != "$want" ]; then
        say "The addon's files changed: updating $MODULE in $db"
        odoo -c "$CONF" -d "$db" -u "$MODULE" --stop-after-init --log-level=warn \
            || die "updating $MODULE in $db failed (see the log above)"
        set_stamp "$db" "$want"
    fi
}
