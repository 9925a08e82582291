-- Non-manager staff per unit: one row per person and unit. Monthly-paid (tillsvidare, visstid)
-- wins over hourly; a person is visstid-only when no monthly-paid employment is tillsvidare.
-- FTE, contracted and sick-leave hours are summed over the person's employments in the unit.
-- FTE is summed as DECIMAL so the published figure never depends on summation order.
CREATE OR REPLACE TEMP TABLE int_unit_staff AS
SELECT e.kommun_code, e.period_date, e.unit_id, e.person_id,
       bool_or(e.employment_form IN ('tillsvidare', 'visstid')) AS is_monthly_paid,
       bool_or(e.employment_form = 'tillsvidare') AS has_tillsvidare,
       coalesce(sum(CAST(e.fte_pct / 100.0 AS DECIMAL(18, 6)))
                FILTER (WHERE e.employment_form IN ('tillsvidare', 'visstid')), 0)
           AS fte_monthly_paid,
       list(DISTINCT e.workplace_id) FILTER (WHERE e.workplace_id IS NOT NULL) AS workplace_ids,
       any_value(e.sex) AS sex,
       any_value(e.age_band) AS age_band,
       sum(e.contracted_hours) AS contracted_hours,
       sum(e.sick_leave_hours) AS sick_leave_hours,
       sum(e.long_term_sick_leave_hours) AS long_term_sick_leave_hours
FROM hist_employment e
WHERE NOT EXISTS (SELECT 1 FROM int_manager_parent m
                  WHERE m.kommun_code = e.kommun_code AND m.period_date = e.period_date
                    AND m.manager_id = e.person_id)
  AND NOT EXISTS (SELECT 1 FROM int_co_manager c
                  WHERE c.kommun_code = e.kommun_code AND c.period_date = e.period_date
                    AND c.person_id = e.person_id)
GROUP BY ALL;

-- The units each scope covers: every unit with the units below it, and the kommun as a whole.
CREATE OR REPLACE TEMP TABLE int_scope_unit AS
SELECT a.kommun_code, a.period_date, a.unit_id,
       coalesce(s.unit_level, 'enhet') AS scope_type, a.ancestor_id AS scope_id
FROM int_unit_ancestor a
JOIN hist_org_unit s
  ON s.kommun_code = a.kommun_code AND s.period_date = a.period_date
 AND s.unit_id = a.ancestor_id
UNION ALL
SELECT kommun_code, period_date, unit_id, 'kommun', kommun_code
FROM int_unit_tree;
