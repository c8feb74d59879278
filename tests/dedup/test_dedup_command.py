"""`cancuoc dedup run`: trains and saves the model, or reuses one without training; prints
what it did in Vietnamese and English; `dedup queue` lists the pairs left, IDs masked."""

import json

import pytest
from django.core.management import CommandError, call_command

from cancuoc.dedup.models import MatchRun
from cancuoc.synth.services import synth_load


def test_run_save_the_model_and_run_again_with_it(db, province, tmp_path, capsys):
    synth_load(province)
    saved = tmp_path / "model.json"
    call_command("dedup", "run", "--save-model", str(saved))
    first = MatchRun.objects.get()
    out = capsys.readouterr().out
    assert f"Lần dò trùng #{first.pk}" in out and f"{first.auto_merged:,} merged" in out
    assert json.loads(saved.read_text(encoding="utf-8")) == first.model

    call_command("dedup", "run", "--model", str(saved), "--auto-merge", "30")
    second = MatchRun.objects.latest("pk")
    assert not second.trained and second.auto_merge_weight == 30
    assert second.records == first.records - first.auto_merged
    call_command("dedup", "queue")
    assert "pairs to review" in capsys.readouterr().out


def test_a_unit_runs_with_the_registers_model(db, province):
    synth_load(province)
    call_command("dedup", "run")
    commune = province.villages[0].parent_code
    call_command("dedup", "run", "--unit", commune)
    unit_run = MatchRun.objects.latest("pk")
    assert (unit_run.unit.code, unit_run.trained) == (commune, False)
    assert parameters(unit_run.model) == parameters(MatchRun.objects.earliest("pk").model)


def parameters(model: dict) -> list[tuple]:
    """The m and u values of every level: what a model's weights come from."""
    return [
        (level.get("m_probability"), level.get("u_probability"))
        for comparison in model["comparisons"]
        for level in comparison["comparison_levels"]
    ]


def test_bad_arguments_say_what_is_wrong(db, tmp_path):
    with pytest.raises(CommandError, match="no earlier run"):
        call_command("dedup", "run", "--reuse")
    broken = tmp_path / "model.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match=r"model\.json"):
        call_command("dedup", "run", "--model", str(broken))
    with pytest.raises(CommandError):
        call_command("dedup", "run", "--unit", "99999999")
    with pytest.raises(CommandError, match="no import job 7"):
        call_command("dedup", "run", "--job", "7")


def test_a_register_with_nothing_alike_cannot_train_and_says_so(add_person):
    add_person(full_name="Lê Thị Hoa", sex="F")
    add_person(full_name="Trần Văn Nam")
    with pytest.raises(CommandError, match="không có hai bản ghi nào cùng tên, ngày sinh và giới"):
        call_command("dedup", "run")
    assert not MatchRun.objects.exists()
