#!/usr/bin/env bash
# The whole test run, as README.md and CI (.ci/run) give it: every stage runs even when an
# earlier one failed, so one failure never hides the others; a table at the end says what
# passed, what failed and how long each took; the exit status is non-zero if any failed.
#
#   bash scripts/run-tests.sh                # all stages, in this order:
#   bash scripts/run-tests.sh ruff pytest    # only these
#
#   deps     Debian packages the tests need (scripts/install-test-deps.sh: neovim)
#   venv     .venv with vgpt2 installed editable (strict mode) and the test extras
#   ruff     ruff check .
#   mypy     mypy (strict; the packages pyproject.toml names)
#   pytest   pytest -q (its own closing line is printed as it ends, and repeated below)
#   editor   the VS Code extension: type check, unit tests, .vsix, end to end in a real VS Code
#            (editor-client/scripts/e2e.sh; its downloads are cached in editor-client/.cache)
#
# Each stage has a ceiling (STAGE_CEILING_S below) that only a hung stage reaches: the tests
# themselves wait on events, not on the clock. The whole run has a budget too,
# VGPT2_CI_BUDGET_S (default 4800 s, below CI's 90-minute limit, so that a run that is far too
# slow still ends with its summary table instead of being killed). The target is 40 minutes
# even on a busy machine: a fresh clone on a 2-core machine at load 10-15 took 28-32 minutes,
# of which the venv's downloads 5-11 and npm ci 7; a second run skips both. A stage gets at
# most what is left of the budget; a stage it no longer reaches is reported as not run, and
# fails the run.
#
# Environment: VGPT2_REQUIRE_NVIM=1 makes a missing neovim fail the deps stage (CI sets it);
# PYTHON picks the interpreter for the venv; PYTEST_ADDOPTS is pytest's own.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ALL=(deps venv ruff mypy pytest editor)
declare -A STAGE_CEILING_S=([deps]=900 [venv]=1500 [ruff]=300 [mypy]=900 [pytest]=1800
                            [editor]=1800)
PYTHON="${PYTHON:-python3}"
BUDGET_S="${VGPT2_CI_BUDGET_S:-4800}"
log_dir="$(mktemp -d)"
trap 'rm -rf "$log_dir"' EXIT

stage_deps() { bash scripts/install-test-deps.sh; }
stage_venv() {
    if [ ! -x .venv/bin/python ]; then
        "$PYTHON" -m venv .venv || return
    fi
    .venv/bin/pip install -q --disable-pip-version-check -e ".[test]" \
        --config-settings editable_mode=strict
}
need_venv() {
    [ -x ".venv/bin/$1" ] || { echo "run-tests: .venv/bin/$1 is missing (the venv stage failed?)"; return 1; }
}
stage_ruff() { need_venv ruff && .venv/bin/ruff check .; }
stage_mypy() { need_venv mypy && .venv/bin/mypy; }
stage_pytest() { need_venv pytest && .venv/bin/pytest -q; }
stage_editor() { bash editor-client/scripts/e2e.sh; }

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=("${ALL[@]}")
for stage in "${stages[@]}"; do
    [ -n "${STAGE_CEILING_S[$stage]:-}" ] || { echo "run-tests: unknown stage '$stage' (stages: ${ALL[*]})" >&2; exit 2; }
done

# Run each stage in its own process group under `timeout`, its output shown as it comes and
# kept for the summary.
declare -A result seconds detail
failed=0
started_all=$(date +%s)
for stage in "${stages[@]}"; do
    printf '\n==== %s ====\n' "$stage"
    started=$(date +%s)
    left=$(( BUDGET_S - (started - started_all) ))
    if [ $left -le 0 ]; then
        echo "run-tests: not run, the ${BUDGET_S} s budget is spent"
        result[$stage]=FAIL; seconds[$stage]=0; detail[$stage]="not run: budget spent"; failed=1
        continue
    fi
    ceiling=${STAGE_CEILING_S[$stage]}
    [ $left -ge "$ceiling" ] || ceiling=$left
    out="$log_dir/$stage.log"
    export -f "stage_$stage" need_venv
    export PYTHON
    timeout -k 30 "$ceiling" bash -c "stage_$stage" 2>&1 | tee "$out"
    status=${PIPESTATUS[0]}
    seconds[$stage]=$(( $(date +%s) - started ))
    case $status in
        0) result[$stage]=pass ;;
        124|137) result[$stage]=FAIL; detail[$stage]="stopped after $ceiling s (hung, or the budget ran out)"; failed=1 ;;
        *) result[$stage]=FAIL; detail[$stage]="exit $status"; failed=1 ;;
    esac
    if [ "$stage" = pytest ]; then
        # pytest's closing line ("N passed, M skipped in Ts"), without its colour codes
        closing="$(sed 's/\x1b\[[0-9;]*m//g' "$out" | grep -E '^=*[ ]*[0-9]+ (passed|failed|error|errors|skipped|deselected)|no tests ran' | tail -n 1 | sed 's/^=* *//; s/ *=*$//')"
        [ -n "$closing" ] && detail[$stage]="$closing${detail[$stage]:+; ${detail[$stage]}}"
    fi
    if [ "$stage" = deps ] && grep -q 'tests/neovim will be skipped' "$out"; then
        detail[$stage]="no neovim: tests/neovim skip${detail[$stage]:+; ${detail[$stage]}}"
    fi
done

minutes() { printf '%dm%02ds' $(( $1 / 60 )) $(( $1 % 60 )); }
printf '\n==== summary ====\n'
printf '%-8s %-6s %8s  %s\n' stage result time detail
for stage in "${stages[@]}"; do
    printf '%-8s %-6s %8s  %s\n' "$stage" "${result[$stage]}" "$(minutes "${seconds[$stage]}")" "${detail[$stage]:-}"
done
total=$(( $(date +%s) - started_all ))
if [ $failed -eq 0 ]; then
    printf 'all %d stages passed in %s\n' "${#stages[@]}" "$(minutes $total)"
else
    printf 'FAILED: some stages failed (%s in all)\n' "$(minutes $total)"
fi
exit $failed
