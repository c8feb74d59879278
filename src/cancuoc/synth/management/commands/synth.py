import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cancuoc.registry.services import register_analyse
from cancuoc.synth.files import synth_write
from cancuoc.synth.generator import DEFECT_PROFILES, synth_province
from cancuoc.synth.services import synth_load


class Command(BaseCommand):
    help = "Tạo một tỉnh mô phỏng / build a synthetic province (deterministic for a seed)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--province",
            default="38",
            help="mã tỉnh 2025 (38: Thanh Hóa), hoặc 2021:MÃ trên bản đồ trước 01/7/2025 "
            "(2021:91: Kiên Giang, có huyện) / a province of today's map, or 2021:CODE",
        )
        parser.add_argument("--people", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--communes",
            type=int,
            help="only the first N communes (on the old map spread over its districts)",
        )
        parser.add_argument(
            "--defects",
            choices=DEFECT_PROFILES,
            default="default",
            help="lỗi của bản ghi trùng: default (một lỗi mỗi bản), hard (2–4 lỗi cùng lúc: gõ "
            "sai, mất dấu, thiếu trường, ngày chỉ có năm…) / the duplicates' defects: one each, "
            "or 2–4 at once",
        )
        parser.add_argument("--out", type=Path, help="write persons.csv and the rest here")
        parser.add_argument("--load", action="store_true", help="load into the database")

    def handle(
        self, *args, province, people, seed, communes, defects, out, load, **options
    ) -> None:
        if not out and not load:
            raise CommandError("cần --out DIR hoặc --load / give --out DIR or --load (or both)")
        started = time.perf_counter()
        try:
            built = synth_province(
                province=province, people=people, seed=seed, communes=communes, defects=defects
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{len(built.records)} bản ghi, {len(built.villages)} thôn/tổ, "
            f"{len(built.defects)} lỗi gài sẵn ({time.perf_counter() - started:.1f} s)"
        )
        if out:
            for path in synth_write(built, out):
                self.stdout.write(f"  → {path}")
        if load:
            started = time.perf_counter()
            result = synth_load(built)
            elapsed = time.perf_counter() - started
            if not result.register.persons:
                self.stdout.write(
                    f"{built.source} đã có trong cơ sở dữ liệu, không nạp lại / "
                    f"{built.source} is loaded already: nothing loaded"
                )
                return
            register_analyse()
            self.stdout.write(
                f"Đã nạp {result.register.persons} người, {result.register.households} hộ, "
                f"{result.members} thành viên cơ quan trong {elapsed:.1f} s "
                f"({result.register.persons / elapsed:,.0f} người/s)"
            )
