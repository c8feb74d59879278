"""Booking policies compared by simulation (SimPy) for stations of 1, 5 and 20 kits: the
policy ``compare`` recommends (its overbooking factor tuned on a training seed) scored on
held-out seeds it never saw.

    python bench/simulate.py [--days 200] [--no-show 0.1] [--train 1,2,3] [--test 101-110]

For each station and each training seed, ``compare(seed=train)`` (what the product runs:
``tune`` bisects the overbooking factor on that seed's random stream, then every policy is
evaluated on it) gives a recommended policy and its in-sample utilisation and mean wait;
that policy is then evaluated on every held-out seed (other arrivals, no-shows and capture
times). Prints in-sample against held-out figures and how many held-out seeds meet both
targets. ``--tables`` also prints each in-sample comparison table.
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cancuoc.settings")


def seeds(text: str) -> list[int]:
    """``1,2,3`` or ``101-110`` (or both, comma separated)."""
    found: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        found += range(int(first), int(last or first) + 1)
    return found


def main() -> None:
    from rich.console import Console

    from cancuoc.scheduling.report import comparison_table
    from cancuoc.scheduling.simulation import (
        TARGET_MEAN_WAIT,
        TARGET_UTILISATION,
        Station,
        compare,
        evaluate,
    )

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=200)
    parser.add_argument("--no-show", type=float, default=0.10)
    parser.add_argument("--train", type=seeds, default=seeds("1,2,3"), help="tuning seeds")
    parser.add_argument("--test", type=seeds, default=seeds("101-110"), help="held-out seeds")
    parser.add_argument("--tables", action="store_true", help="print the in-sample tables")
    args = parser.parse_args()
    overlap = set(args.train) & set(args.test)
    if overlap:
        parser.error(f"held-out seeds must differ from the training seeds: {sorted(overlap)}")
    console = Console(width=150)
    print(
        f"targets: utilisation ≥ {TARGET_UTILISATION:.0%}, mean wait ≤ {TARGET_MEAN_WAIT:g} min; "
        f"{args.days} days a seed; held-out seeds {args.test[0]}…{args.test[-1]} "
        f"({len(args.test)})"
    )
    print(
        f"{'kits':>4} {'train':>5}  {'recommended (booking factor, queue)':44} {'in-sample':>17}  "
        f"{'held-out util mean/min':>22} {'wait mean/max':>15} {'meets':>6}"
    )
    for kits in (1, 5, 20):
        station = Station(kits=kits, no_show=args.no_show)
        for train in args.train:
            started = time.perf_counter()
            result = compare(station, days=args.days, seed=train)
            if args.tables:
                console.print(comparison_table(result))
            chosen = result.recommended
            held = [evaluate(station, chosen.policy, days=args.days, seed=s) for s in args.test]
            meets = sum(o.meets(TARGET_UTILISATION, TARGET_MEAN_WAIT) for o in held)
            policy = chosen.policy
            label = f"{policy.name} ×{policy.booking:.2f}, {policy.opening_queue:g}/kit at opening"
            print(
                f"{kits:>4} {train:>5}  {label:44} {chosen.utilisation:6.1%} "
                f"{chosen.mean_wait:5.1f} min  "
                f"{statistics.mean(o.utilisation for o in held):10.1%} "
                f"{min(o.utilisation for o in held):6.1%}    "
                f"{statistics.mean(o.mean_wait for o in held):5.1f} "
                f"{max(o.mean_wait for o in held):5.1f} min "
                f"{meets:>3}/{len(held)}  ({time.perf_counter() - started:.0f} s)"
            )
    print(
        "not measured: stations with walk-ins as well as bookings, other no-show rates than "
        "--no-show, days whose no-show rate differs from the one the policy was tuned for"
    )


if __name__ == "__main__":
    main()
