#!/bin/sh
# Copies the planner's files into a private build copy of the package (default /tmp/plan-ws),
# for building and testing while someone else's half-finished file breaks the shared tree.
set -eu
dest=${1:-/tmp/plan-ws}
cd "$(dirname "$0")/.."
for path in Sources/VariantEngine/Planning Sources/VariantEngine/Engine.swift Sources/VariantCLI/PlanCommand.swift \
    Tests/PublicAPITests TestImages/campaign; do
  mkdir -p "$dest/$(dirname "$path")"
  rm -rf "${dest:?}/$path"
  cp -R "$path" "$dest/$path"
done
for file in Tests/VariantEngineTests/Planning*.swift Tests/VariantCLITests/PlanCLITests.swift; do
  cp "$file" "$dest/$file"
done
