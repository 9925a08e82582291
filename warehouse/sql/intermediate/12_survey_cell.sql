-- Cells: the groups survey figures are published for, and who is in each. Every respondent is in
-- the kommun cell (the root), in their unit and every unit above it (org tree), and in their
-- manager group (a partition under the kommun). Respondents with no unit or group are in the
-- kommun only. int_survey_cell has the count n per cell and measure that disclosure control
-- (warehouse/disclosure) works on: every unit of the org tree and every manager group has a row
-- for every survey, however many answered, so a row's presence says nothing about who took part.
CREATE OR REPLACE TEMP TABLE int_survey_member AS
SELECT kommun_code, period_date, survey_id, respondent_role, response_id,
       'kommun:' || kommun_code AS cell_id
FROM int_survey_respondent
UNION ALL
SELECT r.kommun_code, r.period_date, r.survey_id, r.respondent_role, r.response_id,
       'unit:' || a.ancestor_id
FROM int_survey_respondent r
JOIN int_unit_ancestor a
  ON a.kommun_code = r.kommun_code AND a.period_date = r.hr_period AND a.unit_id = r.unit_id
UNION ALL
SELECT kommun_code, period_date, survey_id, respondent_role, response_id, 'group:' || group_name
FROM int_survey_respondent
WHERE group_name IS NOT NULL;

-- Each survey with the org and group snapshot its respondents are read against.
CREATE OR REPLACE TEMP TABLE int_survey_table AS
SELECT DISTINCT kommun_code, period_date, survey_id, respondent_role, hr_period, group_period
FROM int_survey_respondent;

-- Every cell of every survey: the kommun, each unit of the org tree, each manager group.
CREATE OR REPLACE TEMP TABLE int_survey_universe AS
SELECT s.kommun_code, s.period_date, s.survey_id, s.respondent_role,
       'kommun:' || s.kommun_code AS cell_id, NULL::VARCHAR AS parent_cell_id, 'root' AS hierarchy,
       'kommun' AS scope_type, s.kommun_code AS scope_id, s.hr_period
FROM int_survey_table s
UNION ALL
SELECT s.kommun_code, s.period_date, s.survey_id, s.respondent_role, 'unit:' || t.unit_id,
       CASE WHEN t.depth = 0 THEN 'kommun:' || s.kommun_code ELSE 'unit:' || t.parent_unit_id END,
       'org', coalesce(u.unit_level, 'enhet'), t.unit_id, s.hr_period
FROM int_survey_table s
JOIN int_unit_tree t ON t.kommun_code = s.kommun_code AND t.period_date = s.hr_period
JOIN hist_org_unit u
  ON u.kommun_code = t.kommun_code AND u.period_date = t.period_date AND u.unit_id = t.unit_id
UNION ALL
SELECT s.kommun_code, s.period_date, s.survey_id, s.respondent_role, 'group:' || g.group_name,
       'kommun:' || s.kommun_code, 'group', 'manager_group', g.group_name, s.hr_period
FROM int_survey_table s
JOIN (SELECT kommun_code, period_date, group_name FROM hist_manager_group
      UNION
      SELECT kommun_code, group_period, group_name FROM int_survey_respondent
      WHERE group_name IS NOT NULL) g
  ON g.kommun_code = s.kommun_code AND g.period_date = s.group_period;

-- Who counts for each measure: every respondent for 'respondents', else those with a value.
CREATE OR REPLACE TEMP TABLE int_survey_measure_member AS
SELECT kommun_code, period_date, survey_id, respondent_role, response_id,
       'respondents' AS measure_id
FROM int_survey_respondent
UNION ALL
SELECT DISTINCT kommun_code, period_date, survey_id, respondent_role, response_id,
       measure_type || ':' || measure_ref
FROM int_survey_value;

-- Counted on numbers, not on the text keys: unit ids are long paths, and grouping 7.7 M
-- (respondent cell x measure) rows on them spilled at national scale (a third of the
-- intermediates' CPU). Any numbering will do; the numbers never leave this statement.
CREATE OR REPLACE TEMP TABLE int_survey_cell AS
WITH cell AS (
    SELECT *, row_number() OVER () AS cell_no
    FROM int_survey_universe
),
measure AS (
    SELECT *, row_number() OVER () AS measure_no
    FROM (SELECT DISTINCT kommun_code, period_date, survey_id, respondent_role, measure_id
          FROM int_survey_measure_member)
),
respondent AS (
    SELECT kommun_code, period_date, survey_id, respondent_role, response_id,
           row_number() OVER () AS respondent_no
    FROM int_survey_respondent
),
in_cell AS (
    SELECT r.respondent_no, c.cell_no
    FROM int_survey_member m
    JOIN respondent r USING (kommun_code, period_date, survey_id, respondent_role, response_id)
    JOIN cell c USING (kommun_code, period_date, survey_id, respondent_role, cell_id)
),
in_measure AS (
    SELECT r.respondent_no, x.measure_no
    FROM int_survey_measure_member mm
    JOIN respondent r USING (kommun_code, period_date, survey_id, respondent_role, response_id)
    JOIN measure x USING (kommun_code, period_date, survey_id, respondent_role, measure_id)
),
counted AS (
    SELECT c.cell_no, m.measure_no, count(*) AS n
    FROM in_cell c
    JOIN in_measure m USING (respondent_no)
    GROUP BY ALL
)
SELECT u.kommun_code, u.period_date, u.survey_id, u.respondent_role, x.measure_id,
       split_part(x.measure_id, ':', 1) AS measure_type,
       x.measure_id[position(':' IN x.measure_id) + 1:] AS measure_ref,
       u.cell_id, u.parent_cell_id, u.hierarchy, coalesce(c.n, 0) AS n, k.anonymity_k AS k
FROM cell u
JOIN measure x USING (kommun_code, period_date, survey_id, respondent_role)
LEFT JOIN counted c ON c.cell_no = u.cell_no AND c.measure_no = x.measure_no
JOIN kommun k USING (kommun_code);

-- Atoms: respondents per unit they are registered on (NULL: none known) x manager group, per
-- measure; every cell is a sum of atoms.
CREATE OR REPLACE TEMP TABLE int_survey_atom AS
SELECT r.kommun_code, r.period_date, r.survey_id, r.respondent_role, mm.measure_id,
       r.unit_id AS atom_unit, r.group_name AS atom_group, count(*) AS n
FROM int_survey_respondent r
JOIN int_survey_measure_member mm
  USING (kommun_code, period_date, survey_id, respondent_role, response_id)
GROUP BY ALL;

-- What an attacker holding the managers list knows: managers per atom (their highest unit, their
-- group by person, else by unit), for manager surveys.
CREATE OR REPLACE TEMP TABLE int_survey_atom_bound AS
WITH person_unit AS (
    SELECT kommun_code, period_date, manager_id, arg_min(unit_id, depth) AS unit_id
    FROM int_manager_unit
    GROUP BY ALL
),
placed AS (
    SELECT s.kommun_code, s.period_date, s.survey_id, s.respondent_role, p.manager_id,
           p.unit_id, coalesce(min(gp.group_name), min(gu.group_name)) AS group_name
    FROM int_survey_table s
    JOIN person_unit p ON p.kommun_code = s.kommun_code AND p.period_date = s.hr_period
    LEFT JOIN hist_manager_group gp
           ON gp.kommun_code = s.kommun_code AND gp.period_date = s.group_period
          AND gp.person_id = p.manager_id
    LEFT JOIN hist_manager_group gu
           ON gu.kommun_code = s.kommun_code AND gu.period_date = s.group_period
          AND gu.unit_id = p.unit_id AND gu.person_id IS NULL
    WHERE s.respondent_role = 'manager'
    GROUP BY ALL
)
SELECT kommun_code, period_date, survey_id, respondent_role, unit_id AS atom_unit,
       group_name AS atom_group, count(*) AS managers
FROM placed
GROUP BY ALL;

-- Scope names for the marts, one row per cell.
CREATE OR REPLACE TEMP TABLE int_survey_scope AS
SELECT m.kommun_code, m.period_date, m.survey_id, m.respondent_role, m.cell_id,
       m.scope_type, m.scope_id,
       CASE m.scope_type WHEN 'kommun' THEN k.kommun_name WHEN 'manager_group' THEN m.scope_id
            ELSE u.unit_name END AS scope_name,
       t.forvaltning_id, f.unit_name AS forvaltning_name
FROM int_survey_universe m
JOIN kommun k USING (kommun_code)
LEFT JOIN hist_org_unit u
       ON m.hierarchy = 'org' AND u.kommun_code = m.kommun_code
      AND u.period_date = m.hr_period AND u.unit_id = m.scope_id
LEFT JOIN int_unit_tree t
       ON m.hierarchy = 'org' AND t.kommun_code = m.kommun_code
      AND t.period_date = m.hr_period AND t.unit_id = m.scope_id
LEFT JOIN hist_org_unit f
       ON f.kommun_code = m.kommun_code AND f.period_date = m.hr_period
      AND f.unit_id = t.forvaltning_id;
