#!/usr/bin/env bash
# Throughput benchmark (not part of mvn verify): builds the connector jar, then runs bench/Bench.java against it.
# Options: --scenarios=limit,light,ack,burst,memory --concurrency=8 --latency-ms=50 (see bench/README.md)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests package
exec java -cp target/dotdigital-consent-sync.jar bench/Bench.java "$@"
