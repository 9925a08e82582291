-- Names as people type them match whatever case, spacing or dash they use ("Hemtjänst – Norr",
-- "hemtjänst-norr", "Hemtjänst Norr"): used wherever a name in one file meets one in another.
CREATE OR REPLACE TEMP MACRO name_key(s) AS
    regexp_replace(regexp_replace(lower(trim(s)), '\s*[-‐‑‒–—―−]\s*', ' ', 'g'), '\s+', ' ', 'g');
-- Every org unit with its förvaltning (tree root), depth and the manager who leads it.
-- A unit's manager is the one registered on the unit, else an employment in the unit with an
-- AID ansvarskod (A before B before C, L for physicians; between equal codes the larger
-- sysselsättningsgrad, then the pseudonym: tenure never decides). Other coded persons in the
-- unit are its co-managers (02_manager.sql), never staff. Units with no manager of their own
-- are led by the nearest manager above them (DESIGN §8), so their staff roll up to that manager.
CREATE OR REPLACE TEMP VIEW int_unit_own_manager AS
WITH coded AS (
    SELECT kommun_code, period_date, unit_id, person_id,
           row_number() OVER (PARTITION BY kommun_code, period_date, unit_id
                              ORDER BY responsibility_code, fte_pct DESC NULLS LAST,
                                       person_id) AS rank
    FROM hist_employment
    WHERE responsibility_code IN ('A', 'B', 'C', 'L')
)
SELECT u.kommun_code, u.period_date, u.unit_id,
       coalesce(u.manager_person_id, c.person_id) AS manager_id
FROM hist_org_unit u
LEFT JOIN coded c
       ON c.kommun_code = u.kommun_code AND c.period_date = u.period_date
      AND c.unit_id = u.unit_id AND c.rank = 1;

CREATE OR REPLACE TEMP TABLE int_unit_tree AS
WITH RECURSIVE walk AS (
    SELECT u.kommun_code, u.period_date, u.unit_id, u.parent_unit_id,
           u.unit_id AS forvaltning_id, 0 AS depth,
           m.manager_id AS own_manager_id, m.manager_id AS leader_id
    FROM hist_org_unit u
    JOIN int_unit_own_manager m USING (kommun_code, period_date, unit_id)
    WHERE u.parent_unit_id IS NULL
       OR u.parent_unit_id NOT IN (SELECT p.unit_id FROM hist_org_unit p
                                   WHERE p.kommun_code = u.kommun_code
                                     AND p.period_date = u.period_date)
    UNION ALL
    SELECT c.kommun_code, c.period_date, c.unit_id, c.parent_unit_id,
           w.forvaltning_id, w.depth + 1,
           m.manager_id, coalesce(m.manager_id, w.leader_id)
    FROM walk w
    JOIN hist_org_unit c
      ON c.kommun_code = w.kommun_code AND c.period_date = w.period_date
     AND c.parent_unit_id = w.unit_id
    JOIN int_unit_own_manager m
      ON m.kommun_code = c.kommun_code AND m.period_date = c.period_date AND m.unit_id = c.unit_id
    WHERE w.depth < 50  -- guards against cycles; the tree checks report them
)
SELECT * FROM walk;

-- Each unit paired with itself and every unit above it: the scopes it rolls up into.
CREATE OR REPLACE TEMP TABLE int_unit_ancestor AS
WITH RECURSIVE up AS (
    SELECT kommun_code, period_date, unit_id, unit_id AS ancestor_id, parent_unit_id, 0 AS steps
    FROM int_unit_tree
    UNION ALL
    SELECT up.kommun_code, up.period_date, up.unit_id, t.unit_id, t.parent_unit_id, up.steps + 1
    FROM up
    JOIN int_unit_tree t
      ON t.kommun_code = up.kommun_code AND t.period_date = up.period_date
     AND t.unit_id = up.parent_unit_id
    WHERE up.steps < 50
)
SELECT kommun_code, period_date, unit_id, ancestor_id FROM up;
