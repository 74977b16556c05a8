#!/usr/bin/env bash
# The "Run mllint" step of action.yml. Inputs arrive as MLLINT_* environment variables; MLLINT_HOME is
# the action's checkout (with dist/ built). Exit: 0 pass, 1 findings over the fail-on threshold, 2 the
# run could not be done (bad input, bad config, unreadable path) — whatever fail-on says.
set -uo pipefail

mllint=(node "${MLLINT_HOME:?}/bin/mllint.js")
output_file="${GITHUB_OUTPUT:-/dev/null}"

# Paths: split on whitespace (spaces or newlines), no glob expansion.
read -r -d '' -a paths < <(printf '%s\0' "${MLLINT_PATHS:-.}" | tr '\n' ' ') || true
[ "${#paths[@]}" -gt 0 ] || paths=(.)

args=(check --no-color)
[ -n "${MLLINT_CONFIG:-}" ] && args+=(--config "$MLLINT_CONFIG")
[ -n "${MLLINT_BASELINE:-}" ] && args+=(--baseline "$MLLINT_BASELINE")

fail_on="${MLLINT_FAIL_ON:-error}"
case "$fail_on" in
  error | never) ;;
  warning) args+=(--max-warnings 0) ;;
  *)
    echo "::error title=mllint::input fail-on must be error, warning or never, not \"$fail_on\""
    echo "exit-code=2" >>"$output_file"
    exit 2
    ;;
esac

if [ -n "${MLLINT_SARIF_FILE:-}" ]; then
  "${mllint[@]}" "${args[@]}" --format sarif --output-file "$MLLINT_SARIF_FILE" -- "${paths[@]}"
  code=$?
  if [ "$code" -ge 2 ]; then
    echo "exit-code=$code" >>"$output_file"
    exit "$code"
  fi
  echo "sarif-file=$MLLINT_SARIF_FILE" >>"$output_file"
fi

"${mllint[@]}" "${args[@]}" --format "${MLLINT_FORMAT:-github}" -- "${paths[@]}"
code=$?
echo "exit-code=$code" >>"$output_file"
if [ "$fail_on" = never ] && [ "$code" -eq 1 ]; then
  echo "mllint: findings reported; fail-on is \"never\", so the step passes"
  exit 0
fi
exit "$code"
