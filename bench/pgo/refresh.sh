#!/bin/sh
# Refreshes cmd/rehabplan/default.pgo, the CPU profile that `go build` and
# `go run` use for profile-guided optimisation of the rehabplan binary.
# Run from the repository's root: sh bench/pgo/refresh.sh (about a minute).
# The profile merges four work-limited runs of a binary built without PGO, so
# that it does not depend on the profile it replaces: the job-shop tabu search on
# a 30 x 20 Taillard instance, the RCPSP search on j120 instances, the bundled
# example's LNS and a generated 1,000-dwelling operation.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -pgo=off -o "$tmp/rp" ./cmd/rehabplan
go run ./bench/taillard --jobshop --out "$tmp/tajs" >/dev/null
j=bench/testdata/public/rcpsp/j120
"$tmp/rp" bench --family jobshop --work-limit 2000000 --seed 7 --workers 2 \
    --bounds "$tmp/tajs/bounds.csv" --cpuprofile "$tmp/jobshop.prof" "$tmp/tajs/ta41" >/dev/null
"$tmp/rp" bench --family rcpsp --work-limit 20000 --seed 7 --workers 2 --cpuprofile "$tmp/rcpsp.prof" \
    $j/j1201_1.sm $j/j12011_1.sm $j/j12031_1.sm $j/j12046_1.sm >/dev/null
"$tmp/rp" example >"$tmp/example.json"
"$tmp/rp" solve "$tmp/example.json" -o "$tmp/plan.json" --work-limit 60000 --seed 7 --cpuprofile "$tmp/example.prof" 2>/dev/null
"$tmp/rp" gen --dwellings 1000 --seed 7 >"$tmp/gen.json"
"$tmp/rp" solve "$tmp/gen.json" -o "$tmp/plan.json" --work-limit 150 --seed 7 --cpuprofile "$tmp/gen.prof" 2>/dev/null
go tool pprof -proto "$tmp/jobshop.prof" "$tmp/rcpsp.prof" "$tmp/example.prof" "$tmp/gen.prof" >cmd/rehabplan/default.pgo 2>/dev/null
ls -l cmd/rehabplan/default.pgo
