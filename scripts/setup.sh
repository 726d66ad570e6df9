# Shared by scripts/test and scripts/demo (sourced, not run): set up a fresh Debian machine.
# Everything here is idempotent and quick when already done, so the commands can be run again.

export PIP_DISABLE_PIP_VERSION_CHECK=1

# apt_need "command-or-test" package…: install the Debian packages when the check fails.
# Runs apt-get as root, through sudo otherwise; says what to install when neither works.
APT_MISSING=()
apt_need() {
  local check=$1; shift
  if ! eval "$check" >/dev/null 2>&1; then APT_MISSING+=("$@"); fi
}
apt_install_missing() {
  [ ${#APT_MISSING[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null; then sudo=(sudo); else
      echo "缺少系统软件包 / missing system packages: ${APT_MISSING[*]}" >&2
      echo "请以 root 安装 / install them as root: apt-get install ${APT_MISSING[*]}" >&2
      return 2
    fi
  fi
  echo "安装系统软件包 / installing system packages: ${APT_MISSING[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${APT_MISSING[@]}" >/dev/null
}

# Packages every command needs: git (evidence lives in history), python venv support.
apt_need_base() {
  apt_need "command -v git" git
  apt_need "python3 -c 'import ensurepip, venv'" python3-venv
}

# venv_install SPEC: the project's virtualenv in .venv with SPEC installed (editable).
venv_install() {
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install -q -e "$1"
}
