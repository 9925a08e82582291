-- Cells: the groups survey figures are published for, and who is in each. Every respondent is in
-- the kommun cell (the root), in their unit and every unit above it (org tree), and in their
-- manager group (a partition under the kommun). Respondents with no unit or group are in the
-- kommun only. int_survey_cell has the count n per cell and measure that suppression works on.
CREATE OR REPLACE TEMP TABLE int_survey_member AS
SELECT kommun_code, period_date, survey_id, respondent_role, response_id,
       'kommun:' || kommun_code AS cell_id, NULL::VARCHAR AS parent_cell_id, 'root' AS hierarchy,
       'kommun' AS scope_type, kommun_code AS scope_id, hr_period
FROM int_survey_respondent
UNION ALL
SELECT r.kommun_code, r.period_date, r.survey_id, r.respondent_role, r.response_id,
       'unit:' || a.ancestor_id,
       CASE WHEN t.depth = 0 THEN 'kommun:' || r.kommun_code ELSE 'unit:' || t.parent_unit_id END,
       'org', coalesce(u.unit_level, 'enhet'), a.ancestor_id, r.hr_period
FROM int_survey_respondent r
JOIN int_unit_ancestor a
  ON a.kommun_code = r.kommun_code AND a.period_date = r.hr_period AND a.unit_id = r.unit_id
JOIN int_unit_tree t
  ON t.kommun_code = r.kommun_code AND t.period_date = r.hr_period AND t.unit_id = a.ancestor_id
JOIN hist_org_unit u
  ON u.kommun_code = r.kommun_code AND u.period_date = r.hr_period AND u.unit_id = a.ancestor_id
UNION ALL
SELECT kommun_code, period_date, survey_id, respondent_role, response_id,
       'group:' || group_name, 'kommun:' || kommun_code, 'group', 'manager_group', group_name,
       hr_period
FROM int_survey_respondent
WHERE group_name IS NOT NULL;

-- Who counts for each measure: every respondent for 'respondents', else those with a value.
CREATE OR REPLACE TEMP TABLE int_survey_measure_member AS
SELECT kommun_code, period_date, survey_id, respondent_role, response_id,
       'respondents' AS measure_id
FROM int_survey_respondent
UNION ALL
SELECT DISTINCT kommun_code, period_date, survey_id, respondent_role, response_id,
       measure_type || ':' || measure_ref
FROM int_survey_value;

CREATE OR REPLACE TEMP TABLE int_survey_cell AS
SELECT m.kommun_code, m.period_date, m.survey_id, m.respondent_role, mm.measure_id,
       m.cell_id, any_value(m.parent_cell_id) AS parent_cell_id,
       any_value(m.hierarchy) AS hierarchy, count(*) AS n, any_value(k.anonymity_k) AS k
FROM int_survey_member m
JOIN int_survey_measure_member mm
  USING (kommun_code, period_date, survey_id, respondent_role, response_id)
JOIN kommun k USING (kommun_code)
GROUP BY ALL;

-- A cell wholly inside a cell of the other hierarchy (e.g. a förvaltning whose respondents are all
-- in one manager group): outer minus inner must not leave fewer than k respondents visible.
CREATE OR REPLACE TEMP TABLE int_survey_nested_cell AS
WITH mm AS (
    SELECT m.kommun_code, m.period_date, m.survey_id, m.respondent_role, x.measure_id,
           m.response_id, m.cell_id, m.hierarchy
    FROM int_survey_member m
    JOIN int_survey_measure_member x
      USING (kommun_code, period_date, survey_id, respondent_role, response_id)
    WHERE m.hierarchy <> 'root'
),
pairs AS (
    SELECT i.kommun_code, i.period_date, i.survey_id, i.respondent_role, i.measure_id,
           o.cell_id AS outer_cell_id, i.cell_id AS inner_cell_id, count(*) AS shared
    FROM mm i
    JOIN mm o
      ON o.kommun_code = i.kommun_code AND o.period_date = i.period_date
     AND o.survey_id = i.survey_id AND o.respondent_role = i.respondent_role
     AND o.measure_id = i.measure_id AND o.response_id = i.response_id
     AND o.hierarchy <> i.hierarchy
    GROUP BY ALL
)
SELECT p.kommun_code, p.period_date, p.survey_id, p.respondent_role, p.measure_id,
       p.outer_cell_id, p.inner_cell_id
FROM pairs p
JOIN int_survey_cell c
  ON c.kommun_code = p.kommun_code AND c.period_date = p.period_date
 AND c.survey_id = p.survey_id AND c.respondent_role = p.respondent_role
 AND c.measure_id = p.measure_id AND c.cell_id = p.inner_cell_id
WHERE p.shared = c.n AND c.n >= c.k;

-- Scope names for the marts, one row per cell.
CREATE OR REPLACE TEMP TABLE int_survey_scope AS
SELECT DISTINCT m.kommun_code, m.period_date, m.survey_id, m.respondent_role, m.cell_id,
       m.scope_type, m.scope_id,
       CASE m.scope_type WHEN 'kommun' THEN k.kommun_name WHEN 'manager_group' THEN m.scope_id
            ELSE u.unit_name END AS scope_name,
       t.forvaltning_id, f.unit_name AS forvaltning_name
FROM int_survey_member m
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

-- Figures per cell and measure, before suppression: n and the mean of the respondents' values.
CREATE OR REPLACE TEMP TABLE int_survey_figure AS
SELECT m.kommun_code, m.period_date, m.survey_id, m.respondent_role,
       v.measure_type || ':' || v.measure_ref AS measure_id, v.measure_type, v.measure_ref,
       m.cell_id, count(*) AS n,
       -- in exact decimals, so the rounded figures do not depend on the order rows are summed
       avg(round(v.value, 9)::DECIMAL(18, 9))::DOUBLE AS mean_value
FROM int_survey_member m
JOIN int_survey_value v USING (kommun_code, period_date, survey_id, respondent_role, response_id)
GROUP BY ALL;
