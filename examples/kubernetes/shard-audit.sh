#!/bin/sh
# One pod of the Indexed Job: audit this pod's shard of the fleet, then, if every shard of the run
# is in, merge them. kustomization.yaml puts it in the redsec-scripts ConfigMap.
# Environment: JOB_COMPLETION_INDEX (set by Kubernetes), SHARDS (= the Job's completions), RUN (this
# run's directory name: the Job's name), FLEET, REPORTS, REDSEC_USER, PASSWORD_FILE.
set -eu
out="$REPORTS/$RUN"
mkdir -p "$out"
part="$out/.shard-$JOB_COMPLETION_INDEX.json.tmp"
rc=0
redsec audit --targets "$FLEET" --shard "$JOB_COMPLETION_INDEX/$SHARDS" \
  --user "$REDSEC_USER" --password-file "$PASSWORD_FILE" --format json > "$part" || rc=$?
# 0 clean, 1 findings, 3 a target could not be audited: the report is complete either way.
# 2 is bad input (flags, fleet file, password file): fail the pod and let the Job retry or fail.
case "$rc" in 0 | 1 | 3) ;; *) rm -f "$part"; exit "$rc" ;; esac
mv "$part" "$out/shard-$JOB_COMPLETION_INDEX.json"
# The merge step: whichever pod completes the set merges (two pods finishing together both merge,
# to the same result; each writes under its own name and renames, so no reader sees half a file).
done_count=$(find "$out" -maxdepth 1 -name 'shard-*.json' | wc -l)
if [ "$done_count" -eq "$SHARDS" ]; then
  for format in json html sarif; do
    tmp="$out/.fleet.$format.$JOB_COMPLETION_INDEX.tmp"
    rc=0
    redsec report merge "$out"/shard-*.json --targets "$FLEET" --format "$format" > "$tmp" || rc=$?
    case "$rc" in 0 | 1 | 3) mv "$tmp" "$out/fleet.$format" ;; *) rm -f "$tmp"; exit "$rc" ;; esac
  done
  echo "redsec: merged $SHARDS shards into $out/fleet.json, fleet.html, fleet.sarif"
fi
