#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel matrix: the whole check suite on each supported Debian kernel,
# one after the other, then one summary table.
#
#   scripts/matrix.sh [--kernels "6.1 6.12 7.2"] [--tests FILTER]
#
#   --kernels LIST  lanes to run (default: 6.1 6.12 7.2; see vm-run.sh --kernel)
#   --tests FILTER  passed to every lane (vm-run.sh --tests)
#
# Each lane is "scripts/vm-run.sh --mode check --kernel K": same build (W=1,
# no warnings), same guest, same verdict. Its output is shown as it runs and
# kept in build/matrix/K.log. The exit status is 0 only when every lane
# passed; the last lines are the table and "matrix: N of N kernels passed".

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname "$here")

msg() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

kernels="6.1 6.12 7.2" tests=''
while (($#)); do
	case $1 in
	--kernels) kernels=${2:?}; shift 2 ;;
	--tests) tests=${2:?}; shift 2 ;;
	-h | --help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 2 ;;
	*) die "unknown argument $1" ;;
	esac
done

logs=$top/build/matrix
mkdir -p "$logs"
fmt() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

rows=() nfail=0 n=0 start=$SECONDS
for k in $kernels; do
	n=$((n + 1))
	msg "matrix lane $n: kernel $k ($(fmt $((SECONDS - start))) elapsed)"
	log=$logs/$k.log
	t0=$SECONDS
	rc=0
	lane=$k
	[[ $k == 6.1 ]] && lane=default
	rm -f "$top/build/$lane/check/krel"
	cmd=("$here/vm-run.sh" --mode check --kernel "$k")
	[[ -n $tests ]] && cmd+=(--tests "$tests")
	"${cmd[@]}" 2>&1 | tee "$log" || rc=$?
	secs=$((SECONDS - t0))
	krel=$(cat "$top/build/$lane/check/krel" 2>/dev/null || echo '?')
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n1 || true)
	if [[ -n $summary ]]; then
		read -r passed _ failed _ <<<"$summary"
	else
		passed='-' failed='-' # the lane stopped before its verdict
	fi
	if ((rc == 0)) && [[ -n $summary ]] && [[ $failed == 0 ]]; then
		result=ok
	else
		result=FAILED
		nfail=$((nfail + 1))
		[[ -n $summary ]] || krel="$krel (no verdict, exit $rc: see ${log#"$top"/})"
	fi
	rows+=("$(printf '%-6s %-7s %7s %7s %8s  %s' "$k" "$result" "$passed" "$failed" "$(fmt "$secs")" "$krel")")
done

echo
msg "kernel matrix ($(fmt $((SECONDS - start))) in all; logs in ${logs#"$top"/})"
printf '%-6s %-7s %7s %7s %8s  %s\n' kernel result passed failed time release
printf '%s\n' "${rows[@]}"
echo "matrix: $((n - nfail)) of $n kernels passed"
((nfail == 0))
