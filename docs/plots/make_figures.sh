#!/usr/bin/env bash
# Makes every figure in docs/ from a fresh clone: builds reviewsim if
# needed, runs the scenarios the figures need (and the backtest), and draws
# them.
#
#   docs/plots/make_figures.sh [--docs] [--r] [--out DIR] [--replications N]
#
#   --docs            write the figures into docs/, over the committed ones
#                     (default: into DIR, leaving docs/ alone)
#   --r               draw with the R recipes (ggplot2) instead of Python
#   --out DIR         scratch directory for the runs and, without --docs,
#                     the figures (default: out/figures)
#   --replications N  fewer replications for a quick look (default: the
#                     scenario's own, as in the committed figures); the
#                     sensitivity studies then run a small design (N = 16,
#                     4 replications)
#
# Python needs the packages of docs/plots/requirements.txt; set PYTHON to
# the interpreter that has them (default: .venv/bin/python if there is one,
# else python3). R needs ggplot2 and jsonlite. Set REVIEWSIM to use a binary
# instead of building one.
set -euo pipefail
cd "$(dirname "$0")/../.."

# Each recipe docs/plots/<name>.py (and .R) draws from one run of
# scenarios/<name>.toml, or of scenarios/studies/<name>.toml for studies.
recipes=(window_sweep)
studies=(window_cost)

docs=false
language=python
out=out/figures
replications=()
while (($#)); do
  case "$1" in
    --docs) docs=true ;;
    --r) language=r ;;
    --out) out=${2:?--out needs a directory}; shift ;;
    --replications) replications=(--replications "${2:?--replications needs a number}"); shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "make_figures.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
figures=$out
if $docs; then figures=docs; fi

python=${PYTHON:-python3}
if [[ -z ${PYTHON:-} && -x .venv/bin/python ]]; then python=.venv/bin/python; fi
if [[ $language == python ]]; then
  if ! "$python" -c 'import matplotlib, pandas' 2>/dev/null; then
    echo "make_figures.sh: $python lacks pandas or matplotlib; install them with" >&2
    echo "  python3 -m venv .venv && .venv/bin/pip install -r docs/plots/requirements.txt" >&2
    echo "or set PYTHON to an interpreter that has them" >&2
    exit 1
  fi
elif ! Rscript -e 'library(ggplot2); library(jsonlite)' >/dev/null 2>&1; then
  echo "make_figures.sh: R with ggplot2 and jsonlite is needed for --r" >&2
  exit 1
fi

if [[ -n ${REVIEWSIM:-} ]]; then
  reviewsim=$REVIEWSIM
else
  # Does nothing when target/release/reviewsim is up to date.
  cargo build --release
  reviewsim=target/release/reviewsim
fi

draw() {
  if [[ $language == python ]]; then
    "$python" "docs/plots/$1.py" "$2" "$figures"
  else
    Rscript "docs/plots/$1.R" "$2" "$figures"
  fi
}

# Runs take minutes: a progress line on stderr every 10 seconds.
progress=(--progress plain --progress-every 10)
mkdir -p "$out/runs" "$figures"
for name in "${recipes[@]}"; do
  run=$out/runs/$name
  echo "running scenarios/$name.toml into $run" >&2
  "$reviewsim" run "scenarios/$name.toml" --out "$run" --replace "${progress[@]}" \
    "${replications[@]}" >/dev/null
  draw "$name" "$run"
done
quick=()
if ((${#replications[@]})); then quick=(--set sweep.samples=16 --replications 4); fi
for name in "${studies[@]}"; do
  run=$out/runs/$name
  echo "running scenarios/studies/$name.toml into $run" >&2
  "$reviewsim" run "scenarios/studies/$name.toml" --out "$run" --replace "${progress[@]}" \
    "${quick[@]}" >/dev/null
  draw "$name" "$run"
done
# The backtest has a command of its own, and a Python recipe only.
run=$out/runs/backtest
echo "running reviewsim backtest scenarios/backtest.toml into $run" >&2
"$reviewsim" backtest scenarios/backtest.toml --out "$run" --quiet "${replications[@]}"
if [[ $language == python ]]; then
  draw backtest "$run"
else
  echo "make_figures.sh: backtest.png has a Python recipe only (docs/plots/backtest.py)" >&2
fi
