"""The access rule file: its shape, the Swedish errors at start, and the grants it gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboards import access, queries

RULES = """\
groups_claim: roller
rules:
  - role: hr
    kommuner: ["1262"]
    users: [Anna.Andersson@Lomma.se]
  - role: workshop
    kommuner: ["1262", "1231"]
    groups: [ledningsgrupp-lomma]
  - role: network
    kommuner: ["1231", "1261", "1262"]
    groups: [pepp]
"""
KNOWN = {"1231", "1261", "1262"}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "access.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def rules(tmp_path: Path) -> access.AccessRules:
    return access.load_rules(write(tmp_path, RULES), KNOWN)


def test_user_matched_by_email_case_insensitively(rules: access.AccessRules) -> None:
    grant = rules.grant_for({"email": "anna.andersson@lomma.se", "sub": "x"})
    assert grant.roles == {"1262": "hr"} and not grant.network
    assert grant.pages() == access.PAGES_BY_ROLE["hr"]


def test_preferred_username_names_the_user_when_email_is_absent(
    rules: access.AccessRules,
) -> None:
    grant = rules.grant_for({"preferred_username": "ANNA.ANDERSSON@LOMMA.SE"})
    assert grant.role_for("1262") == "hr"


def test_groups_come_from_the_configured_claim(rules: access.AccessRules) -> None:
    grant = rules.grant_for({"email": "lg@lomma.se", "roller": ["ledningsgrupp-lomma"]})
    assert grant.roles == {"1262": "workshop", "1231": "workshop"}
    assert "datakvalitet" not in grant.pages() and "jamforelse" not in grant.pages()
    # the default claim name is not read when another is configured
    assert rules.grant_for({"email": "lg@lomma.se", "groups": ["ledningsgrupp-lomma"]}).is_empty


def test_hr_wins_over_workshop_and_network_adds_comparison(rules: access.AccessRules) -> None:
    grant = rules.grant_for(
        {"email": "anna.andersson@lomma.se", "roller": ["ledningsgrupp-lomma", "pepp"]}
    )
    assert grant.roles == {"1262": "hr", "1231": "workshop"}
    assert grant.network == {"1231", "1261", "1262"}
    assert "jamforelse" in grant.pages()


def test_a_one_kommun_server_drops_the_other_kommuner(rules: access.AccessRules) -> None:
    grant = rules.grant_for({"email": "lg@x.se", "roller": ["ledningsgrupp-lomma"]}, {"1262"})
    assert grant.roles == {"1262": "workshop"}
    assert rules.grant_for({"email": "anna.andersson@lomma.se"}, {"1231"}).is_empty


def test_unknown_user_gets_nothing(rules: access.AccessRules) -> None:
    grant = rules.grant_for({"email": "okand@example.se", "roller": ["annan-grupp"]})
    assert grant.is_empty and grant.pages() == frozenset()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules: [\n  - role: hr\n    kommuner: [1262\n", "ogiltig YAML (rad"),
        ("rules:\n  - {role: admin, kommuner: ['1262'], users: [a@b.se]}\n", "regel 1: okänd roll"),
        (
            "rules:\n  - {role: hr, kommuner: ['1262'], users: [a@b.se]}\n"
            "  - {role: hr, kommuner: ['9999'], users: [a@b.se]}\n",
            "regel 2: okänd kommun 9999 (publicerade: 1231, 1261, 1262)",
        ),
        ("rules:\n  - {role: hr, kommuner: [0114], users: [a@b.se]}\n", "ingen kommunkod"),
        ("rules:\n  - {role: hr, kommuner: ['1262']}\n", "ange users eller groups"),
        ("rules:\n  - {role: hr, users: [a@b.se]}\n", "kommuner saknas"),
        ("rules:\n  - {role: hr, kommuner: ['1262'], user: [a@b.se]}\n", "okänd nyckel 'user'"),
        ("regler: []\n", "okänd nyckel 'regler'"),
        ("rules: []\n", "minst en regel"),
        ("- just a list\n", "rules"),
        (
            "rules:\n  - {role: hr, kommuner: '1262', users: [a@b.se]}\n",
            "kommuner ska vara en lista",
        ),
        ("rules:\n  - !!python/object:os.system {}\n", "ogiltig YAML"),  # safe_load only
    ],
)
def test_bad_files_stop_with_a_swedish_message(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(access.AccessRulesError) as caught:
        access.load_rules(path, KNOWN)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(access.AccessRulesError, match="finns inte"):
        access.load_rules(tmp_path / "access.yaml", KNOWN)


def test_without_a_publication_codes_are_checked_for_form_only(tmp_path: Path) -> None:
    rules = access.load_rules(write(tmp_path, RULES.replace('"1261"', '"2480"')), None)
    assert {code for r in rules.rules for code in r.kommuner} >= {"2480"}


def test_published_kommuner_come_from_the_file_names(tmp_path: Path) -> None:
    for name in ("chefskartan.duckdb", "kommun_1262.duckdb", "kommun_1231.duckdb"):
        (tmp_path / name).touch()
    assert access.published_kommuner(tmp_path) == {"1231", "1262"}


def test_every_query_has_exactly_one_access_class() -> None:
    classes = [
        access.HR_ONLY,
        access.KOMMUN_QUERIES,
        frozenset(access.ROW_QUERIES),
        access.CATALOGUE_QUERIES,
    ]
    for name in queries.SQL:
        assert sum(name in c for c in classes) == 1, name
    assert set().union(*classes) == set(queries.SQL)


def test_every_page_of_the_app_is_given_to_some_role() -> None:
    app = (Path(__file__).resolve().parents[2] / "dashboards" / "app.py").read_text()
    pages = set().union(*access.PAGES_BY_ROLE.values())
    for path in pages:
        assert f'url_path="{path}"' in app, path
