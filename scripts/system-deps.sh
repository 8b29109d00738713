#!/usr/bin/env bash
# The Debian packages a command needs (scripts/system-packages.txt), installed when they are missing:
#
#   scripts/system-deps.sh [--missing] [group…]     groups: run, browser, prod, test (= every package; the default)
#
# As root with apt-get: `apt-get update` once, then one `apt-get install` of every missing package; exit status
# apt-get's. Otherwise (not root, no apt-get) or with --missing: names what is missing and why, installs nothing,
# and exits 1 when something is missing. Nothing missing: silent, exit 0.
# SYSTEM_PACKAGES names another list (tests).
set -euo pipefail
list=${SYSTEM_PACKAGES:-$(dirname "$0")/system-packages.txt}
only_report=
if [ "${1:-}" = "--missing" ]; then only_report=1; shift; fi
groups=("${@:-test}")

present() {  # package check: true when the package (or what it provides) is on this machine
  local package=$1 check=$2
  case "$check" in
    cmd:*) command -v "${check#cmd:}" >/dev/null 2>&1 ;;
    path:*) compgen -G "${check#path:}" >/dev/null ;;
    *) dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ;;
  esac
}

wanted() {  # groups of a line: true when one of the asked-for groups is among them (test: every line)
  local line_groups=",$1,"
  for group in "${groups[@]}"; do
    [ "$group" = test ] && return 0
    [[ $line_groups == *",$group,"* ]] && return 0
  done
  return 1
}

missing=() reasons=()
while IFS= read -r raw; do
  why=; [[ $raw == *"#"* ]] && why=${raw#*#}
  package= line_groups= check=
  read -r package line_groups check _ <<<"${raw%%#*}" || true
  [ -n "$package" ] || continue
  wanted "$line_groups" || continue
  if ! present "$package" "$check"; then
    missing+=("$package")
    reasons+=("${why# }")
  fi
done <"$list"

[ ${#missing[@]} -eq 0 ] && exit 0
if [ -z "$only_report" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit
fi
{
  echo "missing system packages (${groups[*]}): apt-get install ${missing[*]}"
  for i in "${!missing[@]}"; do echo "  ${missing[$i]}: ${reasons[$i]}"; done
} >&2
exit 1
