"""Action plans and follow-ups: exact headers, valid values, scopes that exist, and the story."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from pathlib import Path

import pytest

from tests.generate.inbox_readers import KOMMUNER, PERIODS, Kommun

FILES = {  # from the brief
    "1231": ("Handlingsplan_Burlov.csv", "Uppfoljning_Burlov.csv"),
    "1261": ("Handlingsplan_Kavlinge.csv", "Uppfoljning_Kavlinge.csv"),
    "1262": ("Handlingsplan_Lomma.csv", "Uppfoljning_Lomma.csv"),
}
PLAN_HEADER = (
    "Åtgärds-id;Omfattning;Område;Utvecklingsområde;Åtgärd;Mål och förväntad nytta;"
    "Ansvarig roll;Mandat och resurser bekräftade;Riskbedömning gjord;"
    "Medarbetare och fack involverade;Beslutsdatum;Startdatum;Klart senast;"
    "Indikator 1;Målvärde 1;Indikator 2;Målvärde 2"
)
FOLLOW_UP_HEADER = (
    "Åtgärds-id;Uppföljningsdatum;Genomförd som planerat;Avsedd effekt;Bidragit till målet;"
    "Nya insikter;Sidoeffekter;Nästa uppföljning"
)
AREAS = {
    "Chefsuppdrag och rollbeskrivningar", "Verksamhetsnära stöd", "Antal medarbetare per chef",
    "Ledarutveckling", "Forum för dialog", "Interna processer",
}  # fmt: skip
INDICATORS = {
    "mean_span_first_line", "median_span_first_line", "share_first_line_above_threshold_pct",
    "chefstathet", "admin_support_fte_per_manager", "managers_without_hr_partner",
    "manager_turnover_pct", "sick_leave_pct", "share_visstid_pct", "mean_tenure_months",
}  # fmt: skip
ANSWERS = {"ja", "delvis", "nej", "vet ej"}
FIRST_PERIOD, LATEST_PERIOD = dt.date(2025, 10, 1), dt.date(2026, 10, 1)
PERSONNUMMER = re.compile(r"\d{6}[-+]?\d{4}")
FREE_TEXT = ("Utvecklingsområde", "Åtgärd", "Mål och förväntad nytta", "Ansvarig roll")


def read(path: Path) -> tuple[str, list[dict[str, str]]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\n") == raw.count(b"\r\n")
    text = raw.decode("utf-8-sig")
    return text.split("\r\n", 1)[0], list(
        csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
    )


def target(text: str) -> float:
    assert re.fullmatch(r"\d+(,\d+)?", text), text
    return float(text.replace(",", "."))


@pytest.fixture(scope="module")
def plans(full_inbox: Path) -> dict[str, tuple[list[dict], list[dict]]]:
    out = {}
    for code, (plan_file, follow_up_file) in FILES.items():
        plan_header, plan = read(full_inbox / plan_file)
        follow_up_header, follow_ups = read(full_inbox / follow_up_file)
        assert plan_header == PLAN_HEADER and follow_up_header == FOLLOW_UP_HEADER
        out[code] = plan, follow_ups
    return out


@pytest.mark.parametrize("code", KOMMUNER)
def test_plan_values_are_valid(plans, code: str) -> None:
    plan, _ = plans[code]
    assert 4 <= len(plan) <= 7
    ids = [m["Åtgärds-id"] for m in plan]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"[BKL]-\d\d", i) for i in ids)
    assert len({m["Område"] for m in plan} & AREAS) >= 4
    for m in plan:
        assert m["Område"] and all(m[c] for c in FREE_TEXT)
        for column in ("Mandat och resurser bekräftade", "Riskbedömning gjord",
                       "Medarbetare och fack involverade"):  # fmt: skip
            assert m[column] in ("ja", "nej")
        decided, start, due = (
            dt.date.fromisoformat(m[c]) for c in ("Beslutsdatum", "Startdatum", "Klart senast")
        )
        assert FIRST_PERIOD < decided <= start <= due  # adopted after the first period
        assert m["Indikator 1"] in INDICATORS and target(m["Målvärde 1"]) >= 0
        assert (m["Indikator 2"] == "") == (m["Målvärde 2"] == "")
        if m["Indikator 2"]:
            assert m["Indikator 2"] in INDICATORS and m["Indikator 2"] != m["Indikator 1"]
            target(m["Målvärde 2"])


def test_plans_use_all_six_areas_and_some_second_indicators(plans) -> None:
    measures = [m for plan, _ in plans.values() for m in plan]
    assert {m["Område"] for m in measures} >= AREAS
    assert any(m["Indikator 2"] for m in measures) and any(not m["Indikator 2"] for m in measures)


@pytest.mark.parametrize("code", KOMMUNER)
def test_scopes_are_units_of_the_kommun_in_every_period(plans, periods, code: str) -> None:
    plan, _ = plans[code]
    for period in PERIODS:
        k: Kommun = periods[code][period]
        names = [u.name for u in k.units.values()]
        for m in plan:
            scope = m["Omfattning"]
            assert scope == "Hela kommunen" or names.count(scope) == 1, (period, scope)


@pytest.mark.parametrize("code", KOMMUNER)
def test_follow_ups_answer_the_six_questions(plans, code: str) -> None:
    plan, follow_ups = plans[code]
    by_measure = defaultdict(list)
    for f in follow_ups:
        by_measure[f["Åtgärds-id"]].append(f)
        day, following = (
            dt.date.fromisoformat(f[c]) for c in ("Uppföljningsdatum", "Nästa uppföljning")
        )
        assert FIRST_PERIOD < day <= LATEST_PERIOD < following + dt.timedelta(days=400)
        assert day < following
        for question in ("Genomförd som planerat", "Avsedd effekt", "Bidragit till målet"):
            assert f[question] in ANSWERS
        assert f["Nya insikter"] and f["Sidoeffekter"]
    assert set(by_measure) == {m["Åtgärds-id"] for m in plan}  # every measure, nothing else
    assert all(1 <= len(fs) <= 2 for fs in by_measure.values())
    assert any(len(fs) == 2 for fs in by_measure.values())
    overdue = [
        i
        for i, fs in by_measure.items()
        if max(dt.date.fromisoformat(f["Nästa uppföljning"]) for f in fs) < LATEST_PERIOD
    ]
    assert len(overdue) == 1  # one follow-up was due before the latest period and never held
    for fs in by_measure.values():  # a later follow-up is held on the date the earlier set
        if len(fs) == 2:
            assert fs[0]["Nästa uppföljning"] == fs[1]["Uppföljningsdatum"]


@pytest.mark.parametrize("code", KOMMUNER)
def test_free_text_names_nobody(plans, periods, code: str) -> None:
    plan, follow_ups = plans[code]
    texts = [m[c] for m in plan for c in FREE_TEXT]
    texts += [f[c] for f in follow_ups for c in ("Nya insikter", "Sidoeffekter")]
    names = {name for k in periods[code].values() for name in k.names.values()}
    for text in texts:
        assert not PERSONNUMMER.search(text) and ";" not in text
        assert not any(name in text for name in names), text


def test_kavlinge_splits_large_enheter_and_meets_its_target(plans, periods) -> None:
    plan, _ = plans["1261"]
    (measure,) = [m for m in plan if m["Åtgärd"] == "Dela stora enheter i äldreomsorgen"]
    assert measure["Omfattning"] == "Vård- och omsorgsförvaltningen"
    assert measure["Område"] == "Antal medarbetare per chef"
    assert (measure["Indikator 1"], target(measure["Målvärde 1"])) == ("mean_span_first_line", 30)

    def mean_first_line_span(k: Kommun) -> float:
        """Enhetschefer of the förvaltning: monthly-paid non-managers of their enhet."""
        staff = defaultdict(set)
        for r in k.rows:
            if not r.ansvarskod and r.form in ("tillsvidare", "visstid"):
                staff[r.unit].add(r.pnr)
        enheter = [u for u in k.units if u.startswith("Vård- och omsorgsförvaltningen/")
                   and k.units[u].level == "Enhet"]  # fmt: skip
        return sum(len(staff[u]) for u in enheter) / len(enheter)

    first, latest = (mean_first_line_span(periods["1261"][p]) for p in (PERIODS[0], PERIODS[-1]))
    assert first > 30 >= latest  # baseline above the target, the latest value meets it


def test_burlov_hr_partner_measure_meets_its_target(plans, periods) -> None:
    plan, _ = plans["1231"]
    (measure,) = [m for m in plan if m["Omfattning"] == "Vård- och omsorgsförvaltningen"
                  and m["Indikator 1"] == "managers_without_hr_partner"]  # fmt: skip
    assert target(measure["Målvärde 1"]) == 0

    def hr_partner_for_vard_och_omsorg(k: Kommun) -> bool:
        (forv,) = [u.unit for u in k.units.values() if u.name == "Vård- och omsorgsförvaltningen"]
        return forv in {s.served for s in k.support if s.funktion == "HR-partner"}

    assert not hr_partner_for_vard_och_omsorg(periods["1231"][PERIODS[0]])
    assert hr_partner_for_vard_och_omsorg(periods["1231"][PERIODS[-1]])


@pytest.fixture(scope="module")
def tiny_kavlinge_units() -> list:
    from pipelines.generate import build_kommun

    return build_kommun("1261", seed=1, scale=0.05).units


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"Indikatorer": {"employees_per_manager": 30}}, "indicators"),
        ({"Område": "Budget"}, "Område"),
        ({"Omfattning": "Hemtjänst Norr"}, "Omfattning"),
        ({"Klart senast": dt.date(2025, 12, 31)}, "dates"),
        ({"Riskbedömning gjord": "kanske"}, "ja or nej"),
    ],
)
def test_generator_refuses_a_bad_plan_naming_the_measure(
    tiny_kavlinge_units: list, change: dict, message: str
) -> None:
    from pipelines.generate.config import KommunPlans, load_action_plans
    from pipelines.generate.plans import check_plans

    good = load_action_plans().kommuner["1261"]
    units = tiny_kavlinge_units
    check_plans("1261", good, (), units, LATEST_PERIOD)
    bad = KommunPlans(good.files, ({**good.measures[0], **change}, *good.measures[1:]))
    with pytest.raises(ValueError, match=f"1261 K-01: .*{message}"):
        check_plans("1261", bad, (), units, LATEST_PERIOD)
