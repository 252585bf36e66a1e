#!/usr/bin/env bash
# Runs ecslint for the GitHub Action: annotations on stdout (--format github), SARIF to
# ECSLINT_SARIF and reviewdog's format to ECSLINT_RDJSON from the same run, and the step's result per ECSLINT_FAIL_ON ("never": report
# only). Writes exit-code and sarif-file to GITHUB_OUTPUT.
set -uo pipefail
ecslint_bin="${ECSLINT_BIN:-ecslint}"
command="${ECSLINT_COMMAND:-check}"
fail_on="${ECSLINT_FAIL_ON:-error}"
sarif="${ECSLINT_SARIF:-}"
rdjson="${ECSLINT_RDJSON:-}"
# The arguments as the workflow wrote them: split like a shell would, never evaluated.
read -r -a args <<< "${ECSLINT_ARGS:-}"
extra=(--format github)
case "$fail_on" in
  never | error | warning | info) ;;
  *)
    echo "::error::fail-on must be error, warning, info or never, not \"$fail_on\""
    exit 2
    ;;
esac
# --output, --exit-zero and --fail-on are check's and lint's.
if [ "$command" = check ] || [ "$command" = lint ]; then
  if [ -n "$sarif" ]; then
    extra+=(--output "sarif=$sarif")
  fi
  if [ -n "$rdjson" ]; then
    extra+=(--output "rdjson=$rdjson")
  fi
  if [ "$fail_on" = never ]; then
    extra+=(--exit-zero)
  else
    extra+=(--fail-on "$fail_on")
  fi
fi
"$ecslint_bin" "$command" "${args[@]}" "${extra[@]}"
code=$?
{
  echo "exit-code=$code"
  echo "sarif-file=$sarif"
  echo "rdjson-file=$rdjson"
} >> "${GITHUB_OUTPUT:-/dev/null}"
exit "$code"
