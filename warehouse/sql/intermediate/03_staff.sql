-- Non-manager staff per unit: one row per person and unit, monthly-paid winning over hourly,
-- FTE summed over the person's monthly-paid employments in that unit.
CREATE OR REPLACE TEMP TABLE int_unit_staff AS
SELECT e.kommun_code, e.period_date, e.unit_id, e.person_id,
       bool_or(e.employment_form IN ('tillsvidare', 'visstid')) AS is_monthly_paid,
       coalesce(sum(e.fte_pct / 100.0) FILTER (WHERE e.employment_form IN ('tillsvidare', 'visstid')), 0)
           AS fte_monthly_paid
FROM hist_employment e
WHERE NOT EXISTS (SELECT 1 FROM int_manager_parent m
                  WHERE m.kommun_code = e.kommun_code AND m.period_date = e.period_date
                    AND m.manager_id = e.person_id)
GROUP BY ALL;
