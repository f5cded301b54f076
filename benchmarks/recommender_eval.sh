#!/bin/sh
# Run the offline protocol on ml-latest-small (both scenarios) and write
# benchmarks/results/recommender_{warm,cold}.json and benchmarks/results/recommender.md.
# Usage: sh benchmarks/recommender_eval.sh [path/to/ml-latest-small]
set -eu
cd "$(dirname "$0")/.."
DATA="${1:-../shared/data/ml-latest-small}"
PY="${PYTHON:-.venv/bin/python}"
mkdir -p benchmarks/results
for s in warm cold; do
    "$PY" -m recommender.evaluate --movielens "$DATA" --scenario "$s" --json \
        > "benchmarks/results/recommender_$s.json"
done
"$PY" benchmarks/recommender_report.py
