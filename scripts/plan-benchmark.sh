#!/usr/bin/env bash
# The planner's benchmark (issue 7): a cold run of the sample campaign, then a re-run with one
# extra placement (what the incremental cache saves), then the same work as single commands.
#
#   scripts/plan-benchmark.sh [VARIANT_BINARY] [OUT_DIR]
#
# PLAN_FLAGS=--fixed-quality measures the fast mode; SINGLE_COMMANDS=0 skips the single commands.
# Build first: swift build -c release --scratch-path .build-plan
# Prints wall and CPU seconds of each step (GNU time) and the ratios.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/.build-plan/release/variant}
out=${2:-$root/out/plan-bench}
flags=${PLAN_FLAGS:-}
extra_placement=${EXTRA_PLACEMENT:-'{"name": "tablet", "aspectRatio": "4:3", "widths": [768, 1024, 1366], "formats": ["avif", "webp", "jpeg"], "quality": "good"}'}
mkdir -p "$out"
rm -f "$out"/cache.sqlite*

# The sample campaign with absolute paths, as is and with one more placement.
python3 - "$root/TestImages/campaign/campaign.json" "$out" "$extra_placement" <<'PY'
import json, os, sys
src, out, extra = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
m = json.load(open(src))
base = os.path.dirname(src)
def absolute(p): return os.path.normpath(os.path.join(base, p))
for a in m["assets"]:
    a["path"] = absolute(a["path"])
    for o in a.get("overrides", []):
        if "path" in o: o["path"] = absolute(o["path"])
json.dump(m, open(os.path.join(out, "base.json"), "w"), indent=1)
m["placements"].append(extra)
json.dump(m, open(os.path.join(out, "extra.json"), "w"), indent=1)
PY

timed() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "$label %e s wall, %U s user, %S s sys, %M KB max RSS" -o "$out/$label.time" "$@" || true
  cat "$out/$label.time"
}
timed cold "$bin" plan "$out/base.json" -o "$out/plan.json" --cache "$out/cache.sqlite" $flags 2>"$out/cold.log"
timed warm "$bin" plan "$out/base.json" -o "$out/plan.json" --cache "$out/cache.sqlite" $flags 2>"$out/warm.log"
timed extra "$bin" plan "$out/extra.json" -o "$out/plan-extra.json" --cache "$out/cache.sqlite" $flags 2>"$out/extra.log"
tail -n1 "$out/cold.log" "$out/extra.log"

if [ "${SINGLE_COMMANDS:-1}" = 1 ]; then
  # The same work one command at a time: per asset one `variant crop` (analysis and crops), then
  # per variant of the plan one `variant optimize`
  # (the optimiser's search) or, with --fixed-quality, one `variant render` of the explicit
  # transformation (one decode, one encode: what the fixed mode does per variant).
  python3 - "$out/plan.json" "$out/base.json" "$flags" > "$out/single.sh" <<'PY'
import json, shlex, sys
plan, manifest, flags = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
fixed = "--fixed-quality" in flags.split()
paths = {a["publicId"]: a["path"] for a in manifest["assets"]}
for a in manifest["assets"]:
    for o in a.get("overrides", []):
        if "path" in o: paths[o["publicId"]] = o["path"]
specs = {p["name"]: p for p in plan["placements"]}
print("set -e")
print('tmp=$(mktemp -d); trap \'rm -rf "$tmp"\' EXIT')
for asset in plan["assets"]:
    if "source" not in asset: continue
    path = paths[asset["publicId"]]
    # The analysis and the crops: one `variant crop` with every ratio the asset is placed at.
    ratios = sorted({specs[p["placement"]]["aspectRatio"] for p in asset["placements"]})
    print("\"$BIN\" crop %s %s --json > /dev/null" % (shlex.quote(path), " ".join("--aspect " + r for r in ratios)))
    for placement in asset["placements"]:
        spec = specs[placement["placement"]]
        for v in placement["variants"]:
            if fixed:
                print("\"$BIN\" render %s %s -o \"$tmp/v.%s\" > /dev/null 2>&1" % (
                    shlex.quote(path), shlex.quote(v["transformation"]), v["format"]))
                continue
            geometry = "/".join(v["transformation"].split("/")[:2])
            print("\"$BIN\" optimize %s --transformation %s --level %s --formats %s --json > /dev/null" % (
                shlex.quote(path), shlex.quote(geometry), spec["quality"], ",".join(spec["formats"])))
PY
  timed single env BIN="$bin" bash "$out/single.sh"
fi

python3 - "$out" <<'PY'
import json, os, re, sys
out = sys.argv[1]
def seconds(label):
    path = os.path.join(out, label + ".time")
    if not os.path.exists(path): return None
    m = re.search(r"([\d.]+) s wall, ([\d.]+) s user", open(path).read())
    return (float(m.group(1)), float(m.group(2))) if m else None
plan = json.load(open(os.path.join(out, "plan.json")))
n = plan["summary"]["assets"]
cold, extra, warm, single = seconds("cold"), seconds("extra"), seconds("warm"), seconds("single")
print(f"assets {n}, variants {plan['summary']['variants']}")
print(f"cold run: {cold[0]:.1f} s wall ({cold[0]/n:.2f} s per asset), {cold[1]:.1f} s CPU")
print(f"unchanged re-run: {warm[0]:.1f} s wall = {100*warm[0]/cold[0]:.1f} % of the cold run")
print(f"re-run with one extra placement: {extra[0]:.1f} s wall = {100*extra[0]/cold[0]:.1f} % of the cold run (CPU {100*extra[1]/cold[1]:.1f} %)")
if single:
    print(f"single commands (one optimize, or with --fixed-quality one render, per variant): {single[0]:.1f} s wall ({single[0]/n:.2f} s per asset), {single[1]:.1f} s CPU")
PY
