"""Who sees what: the access rule file (access.yaml), a session's grant, and the query policy.

Pure Python (no Streamlit): the CLI validates the rule file with it before the server starts,
queries.py asks it before every query, and the tests call it directly.

The rule file lives beside the warehouse (WAREHOUSE/access.yaml, or `serve --access FILE`):

    groups_claim: groups          # optional: the ID-token claim that lists the user's groups
    rules:
      - role: hr                  # hr | workshop | network
        kommuner: ["1262"]
        users: [anna.andersson@lomma.se]
      - role: workshop
        kommuner: ["1262"]
        groups: ["<Entra ID group object id>"]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROLES = ("hr", "workshop", "network")
ROLE_LABEL = {"hr": "HR", "workshop": "workshop", "network": "nätverk"}
KOMMUN_CODE = re.compile(r"\d{4}")
ACCESS_FILE_NAME = "access.yaml"
DEFAULT_GROUPS_CLAIM = "groups"
# Claims that may name the user, in order; matched case-insensitively against `users:`.
USER_CLAIMS = ("email", "preferred_username")
ALL = "*"  # local single-user mode: the role applies to every kommun in the served file

# Pages (url_path in app.py) per role. hr sees every page; network only the comparison.
PAGES_BY_ROLE: dict[str, frozenset[str]] = {
    "hr": frozenset(
        {
            "faktavagg",
            "styrkor-och-utmaningar",
            "dela-varld",
            "jamforelse",
            "workshop",
            "datakvalitet",
            "handlingsplan",
            "uppfoljning",
        }
    ),
    "workshop": frozenset(
        {
            "faktavagg",
            "styrkor-och-utmaningar",
            "dela-varld",
            "workshop",
            "handlingsplan",
            "uppfoljning",
        }
    ),
    "network": frozenset({"jamforelse"}),
}

# The query policy: every name in queries.SQL is in exactly one of these (a test checks).
# Per-kommun queries take the kommun code as their first parameter (indicator_trends also as
# its second); the role the grant holds for that kommun must be one listed.
HR_ONLY = frozenset({"managers", "data_quality"})  # per-manager rows, data-quality findings
KOMMUN_QUERIES = frozenset(
    {
        "periods",
        "forvaltningar",
        "rollup",
        "forvaltning_rollups",
        "strengths_challenges",
        "sick_leave",
        "survey_period",
        "survey_responses",
        "survey_index",
        "units_in_forvaltning",
        "manager_groups",
        "survey_index_scope",
        "survey_time_use",
        "dela_varld",
        "action_plan",
        "indicator_trends",
        "scope_history",
        "follow_ups",
        "scope_managers",
    }
)
# Queries over every kommun in the file: their rows are cut to the kommuner the grant reaches.
ROW_QUERIES = {
    "kommuner": "kommun",  # the kommun picker: kommuner held as hr or workshop
    "last_refresh": "any",
    "kommun_comparison": "compare",
    "survey_kommun_index": "compare",
}
CATALOGUE_QUERIES = frozenset({"published_marts"})  # table names only, no rows
# Below förvaltning level the workshop role sees a unit only with at least k managers in it:
# a unit with one manager would show that manager's own figures.
SMALL_SCOPES = frozenset({"avdelning", "enhet"})


class AccessRulesError(Exception):
    """The rule file cannot be used; str(exc) is a Swedish message naming file and rule."""


class AccessDenied(Exception):
    """The grant does not cover this query; str(exc) is a Swedish message for the page."""


@dataclass(frozen=True)
class Rule:
    role: str
    kommuner: tuple[str, ...]
    users: frozenset[str] = frozenset()  # lower-case
    groups: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AccessRules:
    rules: tuple[Rule, ...]
    groups_claim: str = DEFAULT_GROUPS_CLAIM
    source: str = ""

    def grant_for(self, claims: Mapping[str, Any], within: Iterable[str] | None = None) -> Grant:
        """The grant of a logged-in user (their ID-token claims); empty when no rule matches.

        `within`: the kommuner this server serves (one for `serve --kommun`); others are dropped.
        """
        names = {str(claims[c]).strip().lower() for c in USER_CLAIMS if claims.get(c)}
        groups = claims.get(self.groups_claim) or []
        groups = {str(g) for g in ([groups] if isinstance(groups, str) else groups)}
        served = None if within is None else set(within)
        roles: dict[str, str] = {}
        network: set[str] = set()
        for rule in self.rules:
            if not (rule.users & names or rule.groups & groups):
                continue
            for code in rule.kommuner:
                if served is not None and code not in served:
                    continue
                if rule.role == "network":
                    network.add(code)
                elif roles.get(code) != "hr":  # hr is the wider of hr and workshop
                    roles[code] = rule.role
        user = next((str(claims[c]) for c in USER_CLAIMS if claims.get(c)), "")
        return Grant(
            user=user or str(claims.get("sub", "")), roles=roles, network=frozenset(network)
        )


@dataclass(frozen=True)
class Grant:
    """What one session may read: a role per kommun, and the kommuner it may compare."""

    user: str
    roles: Mapping[str, str] = field(default_factory=dict)  # kommun_code (or ALL) -> hr|workshop
    network: frozenset[str] = frozenset()  # kommun codes (or ALL)

    @property
    def is_empty(self) -> bool:
        return not self.roles and not self.network

    def role_for(self, kommun_code: str) -> str | None:
        return self.roles.get(str(kommun_code)) or self.roles.get(ALL)

    def may_compare(self, kommun_code: str) -> bool:
        code = str(kommun_code)
        return ALL in self.network or code in self.network or self.role_for(code) == "hr"

    def pages(self) -> frozenset[str]:
        pages = set().union(*(PAGES_BY_ROLE[r] for r in set(self.roles.values())))
        return frozenset(pages | (PAGES_BY_ROLE["network"] if self.network else set()))

    def single_kommun(self) -> str | None:
        """The one kommun this grant reaches, if it reaches exactly one (for file routing)."""
        codes = set(self.roles) | set(self.network)
        return next(iter(codes)) if len(codes) == 1 and ALL not in codes else None

    def describe(self) -> str:
        """Swedish, for the sidebar: 'Lomma (1262): workshop'-style, codes only."""
        parts = [f"{code}: {ROLE_LABEL[role]}" for code, role in sorted(self.roles.items())]
        if self.network:
            parts.append("jämförelse " + ", ".join(sorted(self.network)))
        return "; ".join(parts).replace(ALL, "alla kommuner")


def local_grant(role: str = "hr") -> Grant:
    """The single-user grant of a server without login: one role on every kommun it serves."""
    if role not in ROLES:
        raise AccessRulesError(f"Okänd roll {role!r} (tillåtna: {', '.join(ROLES)}).")
    if role == "network":
        return Grant(user="lokal", network=frozenset({ALL}))
    return Grant(user="lokal", roles={ALL: role})


NO_GRANT = Grant(user="")


# --------------------------------------------------------------------------- the policy


def check(grant: Grant, name: str, params: Sequence[Any]) -> None:
    """AccessDenied unless the grant may run query `name` with these parameters."""
    if name in CATALOGUE_QUERIES:
        if grant.is_empty:
            raise AccessDenied("Du har ingen behörighet i Chefskartan.")
        return
    if name in ROW_QUERIES:
        if grant.is_empty:
            raise AccessDenied("Du har ingen behörighet i Chefskartan.")
        return
    if name not in KOMMUN_QUERIES and name not in HR_ONLY:
        raise AccessDenied(f"Frågan {name} är inte tillåten.")
    codes = {str(p) for p in (params[:2] if name == "indicator_trends" else params[:1])}
    for code in codes:
        role = grant.role_for(code)
        if role is None or (name in HR_ONLY and role != "hr"):
            raise AccessDenied(denied_message(name, code))
        if name == "scope_history" and role == "workshop" and params[1] in SMALL_SCOPES:
            raise AccessDenied("Enheter under förvaltningsnivå visas bara för HR-rollen.")


def denied_message(name: str, kommun_code: str) -> str:
    if name in HR_ONLY:
        return "Uppgifter per chef och datakvalitet visas bara för HR-rollen."
    return f"Du har ingen behörighet för kommun {kommun_code}."


def row_allowed(grant: Grant, name: str, kommun_code: Any) -> bool:
    """Whether a row of a ROW_QUERIES result, for this kommun, may be shown."""
    code = str(kommun_code)
    reach = ROW_QUERIES[name]
    if reach == "kommun":
        return grant.role_for(code) is not None
    if reach == "compare":
        return grant.may_compare(code)
    return grant.role_for(code) is not None or grant.may_compare(code)


def needs_size_check(grant: Grant, name: str, params: Sequence[Any]) -> bool:
    """Whether a workshop session's look at an avdelning or enhet must first count its managers."""
    # Sick leave and survey figures are hidden below k persons in the marts already; the span
    # rollup of a unit is not (its mean span is the one manager's span when it has one).
    if name != "rollup" or len(params) < 4:
        return False
    return grant.role_for(str(params[0])) == "workshop" and params[2] in SMALL_SCOPES


def allows(grant: Grant, name: str, kommun_code: str) -> bool:
    """Whether a page should even try query `name` for this kommun (hides, never enforces)."""
    try:
        check(grant, name, [kommun_code])
    except AccessDenied:
        return False
    return True


# --------------------------------------------------------------------------- the rule file


def load_rules(path: Path, known_kommuner: Iterable[str] | None = None) -> AccessRules:
    """Read and check the rule file; AccessRulesError (Swedish, naming the rule) if it is wrong.

    `known_kommuner`: the kommun codes published in the warehouse; a rule naming another is an
    error (a typo would otherwise lock a kommun out, or in). None: codes are checked for form only.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AccessRulesError(f"Behörighetsfilen {path} finns inte.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AccessRulesError(f"Behörighetsfilen {path} kunde inte läsas: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (rad {where.line + 1})" if where is not None else ""
        raise AccessRulesError(f"{path}: ogiltig YAML{line}.") from None
    return parse_rules(data, str(path), known_kommuner)


def parse_rules(data: Any, source: str, known_kommuner: Iterable[str] | None = None) -> AccessRules:
    """Check the parsed YAML against the declared shape (see the module docstring)."""
    if not isinstance(data, dict):
        raise AccessRulesError(f"{source}: filen ska ha nycklarna rules (och groups_claim).")
    extra = set(data) - {"rules", "groups_claim"}
    if extra:
        raise AccessRulesError(f"{source}: okänd nyckel {sorted(extra)[0]!r}.")
    claim = data.get("groups_claim", DEFAULT_GROUPS_CLAIM)
    if not isinstance(claim, str) or not claim.strip():
        raise AccessRulesError(f"{source}: groups_claim ska vara namnet på ett claim.")
    items = data.get("rules")
    if not isinstance(items, list) or not items:
        raise AccessRulesError(f"{source}: rules ska vara en lista med minst en regel.")
    known = None if known_kommuner is None else {str(k) for k in known_kommuner}
    rules = tuple(_rule(item, f"{source}: regel {i}", known) for i, item in enumerate(items, 1))
    return AccessRules(rules=rules, groups_claim=claim.strip(), source=source)


def _rule(item: Any, where: str, known: set[str] | None) -> Rule:
    if not isinstance(item, dict):
        raise AccessRulesError(f"{where}: en regel ska ha role, kommuner och users eller groups.")
    extra = set(item) - {"role", "kommuner", "users", "groups"}
    if extra:
        raise AccessRulesError(f"{where}: okänd nyckel {sorted(extra)[0]!r}.")
    role = item.get("role")
    if role not in ROLES:
        raise AccessRulesError(f"{where}: okänd roll {role!r} (tillåtna: {', '.join(ROLES)}).")
    kommuner = _strings(item.get("kommuner"), where, "kommuner")
    if not kommuner:
        raise AccessRulesError(f'{where}: kommuner saknas (t.ex. kommuner: ["1262"]).')
    for code in kommuner:
        if not KOMMUN_CODE.fullmatch(code):
            raise AccessRulesError(
                f'{where}: {code!r} är ingen kommunkod (fyra siffror inom citattecken, "0114").'
            )
        if known is not None and code not in known:
            raise AccessRulesError(
                f"{where}: okänd kommun {code} (publicerade: {', '.join(sorted(known)) or 'inga'})."
            )
    users = frozenset(u.lower() for u in _strings(item.get("users"), where, "users"))
    groups = frozenset(_strings(item.get("groups"), where, "groups"))
    if not users and not groups:
        raise AccessRulesError(f"{where}: ange users eller groups (vem regeln gäller).")
    return Rule(role=role, kommuner=tuple(kommuner), users=users, groups=groups)


def _strings(value: Any, where: str, key: str) -> list[str]:
    """A list of non-empty strings (numbers are read as text: kommuner: [1262] works too)."""
    if value is None:
        return []
    if not isinstance(value, list) or any(
        isinstance(v, bool) or not isinstance(v, (str, int)) or not str(v).strip() for v in value
    ):
        raise AccessRulesError(f"{where}: {key} ska vara en lista med text.")
    return [str(v).strip() for v in value]


def published_kommuner(published_dir: Path) -> set[str]:
    """Kommun codes with a published file (kommun_<code>.duckdb), without opening any."""
    return {
        p.name[len("kommun_") : -len(".duckdb")]
        for p in Path(published_dir).glob("kommun_*.duckdb")
    }
