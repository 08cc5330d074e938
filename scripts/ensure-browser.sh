#!/bin/sh
# Makes sure the browser tests can run: Debian's Chromium at /usr/bin/chromium and a Devanagari
# font (the dashboard shows Hindi agents). playwright-core never downloads a browser here.
set -eu

CHROMIUM=/usr/bin/chromium
PACKAGES="chromium fonts-lohit-deva"

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-browser: installing $PACKAGES with apt-get…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # shellcheck disable=SC2086 # the package list is meant to split into words
  apt-get install -y -qq $PACKAGES >/dev/null
  if [ -x "$CHROMIUM" ]; then
    exit 0
  fi
  echo "ensure-browser: apt-get finished but $CHROMIUM is still missing" >&2
  exit 1
fi

cat >&2 <<MESSAGE
ensure-browser: $CHROMIUM is missing; the dashboard's browser tests need it.
Install it (Debian or Ubuntu), then run the tests again:

  sudo apt-get update && sudo apt-get install -y $PACKAGES
MESSAGE
exit 1
