"""Assignment of residents to slots at national-province scale: seconds, peak memory, and the
cost of the placed households against the lower bound (the min-cost flow's optimum, where
households may split), for ample and for tight capacity.

    python bench/assign.py [--people 1000000] [--stations 300] [--days 60]
"""

import argparse
import os
import resource
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cancuoc.settings")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    from cancuoc.scheduling.assignment import assign
    from cancuoc.synth.assignment import assignment_problem_synth

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--stations", type=int, default=300)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    table = Table(title=f"{args.people:,} people, {args.stations} stations, 3 shifts a day")
    for column in (
        "case",
        "days",
        "slots",
        "capacity",
        "parties",
        "build s",
        "solve s",
        "peak MB",
        "assigned",
        "unassigned",
        "cost",
        "lower bound",
        "cost / bound",
        "excess / placed cost",
    ):
        table.add_column(column, justify="right")
    # Ample: the deadline at the end; tight: a fifth of the days, the deadline in the middle.
    for case, days, deadline in [
        ("ample", args.days, args.days - 1),
        ("tight", args.days // 5, args.days // 10),
    ]:
        started = time.perf_counter()
        problem = assignment_problem_synth(
            people=args.people,
            stations=args.stations,
            days=days,
            institutions=args.people // 20_000,
            deadline_day=deadline,
            seed=args.seed,
        )
        built = time.perf_counter()
        solution = assign(problem)
        solved = time.perf_counter()
        # What the placed people cost, without the price of those left unassigned, so that
        # the tight case's gap is not hidden behind that price.
        placed = solution.cost - solution.unassigned * problem.weights.unassigned
        table.add_row(
            case,
            str(days),
            f"{len(problem.slot_capacity):,}",
            f"{int(problem.slot_capacity.sum()):,}",
            f"{len(problem.party_size):,}",
            f"{built - started:.1f}",
            f"{solved - built:.1f}",
            f"{peak_rss_mb():.0f}",
            f"{solution.assigned:,}",
            f"{solution.unassigned:,}",
            f"{solution.cost:,}",
            f"{solution.lower_bound:,}",
            f"{solution.cost / solution.lower_bound:.6f}",
            f"{(solution.cost - solution.lower_bound) / placed:.4%}",
        )
    Console(width=200).print(table)


if __name__ == "__main__":
    main()
