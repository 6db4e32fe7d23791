#!/usr/bin/env bash
# bench/delivery.sh — benchmark of escalation-worker --deliver on a throwaway
# cluster: RATE notifications a second (default 100) written for SECONDS
# seconds (default 60) in transactions like the engine's, no rate limit, to a
# local 企业微信 robot; prints the commit-to-receiver latency (p50, p99, max)
# and the worker's peak resident memory (bench/delivery.py). Goal: p99 under 1 s.
#
#   bench/delivery.sh [RATE [SECONDS]]      KEEP=1 leaves the cluster running
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/cluster.sh"

ensure_packages
# The commit timestamps are what the latency is measured from.
throwaway_cluster "$top" delivery "track_commit_timestamp = on"
psql -qX -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE escalation' >/dev/null
psql -qX -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION escalation' >/dev/null

export ESCALATION_TOP=$top ESCALATION_CLUSTER=$work
export PYTHONPATH=$top/test/scripts/lib${PYTHONPATH:+:$PYTHONPATH} PYTHONDONTWRITEBYTECODE=1
python3 "$top/bench/delivery.py" "${1:-100}" "${2:-60}"
