"""Booking policies compared by simulation (SimPy) for stations of 1, 5 and 20 kits: kit
utilisation, mean and p90 wait, overtime, and the recommended policy for each.

    python bench/simulate.py [--days 200] [--no-show 0.1]
"""

import argparse
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cancuoc.settings")


def main() -> None:
    from rich.console import Console

    from cancuoc.scheduling.report import comparison_table
    from cancuoc.scheduling.simulation import Station, compare

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=200)
    parser.add_argument("--no-show", type=float, default=0.10)
    args = parser.parse_args()
    console = Console(width=150)
    for kits in (1, 5, 20):
        started = time.perf_counter()
        result = compare(Station(kits=kits, no_show=args.no_show), days=args.days)
        console.print(comparison_table(result))
        console.print(
            f"{kits} kits: {args.days} days × {len(result.outcomes)} policies simulated in "
            f"{time.perf_counter() - started:.1f} s; targets met: {result.meets_targets}\n"
        )


if __name__ == "__main__":
    main()
