-- Hours per person and scope for SKR's sick-leave figures: every monthly-paid employment
-- (managers included), a person counted once per scope with their hours summed.
CREATE OR REPLACE TEMP TABLE int_scope_hours AS
SELECT su.kommun_code, su.period_date, su.scope_type, su.scope_id, e.person_id,
       any_value(e.sex) AS sex, any_value(e.age_band) AS age_band,
       sum(e.contracted_hours) AS contracted_hours,
       sum(e.sick_leave_hours) AS sick_leave_hours,
       sum(e.long_term_sick_leave_hours) AS long_term_sick_leave_hours
FROM int_scope_unit su
JOIN hist_employment e USING (kommun_code, period_date, unit_id)
WHERE e.employment_form IN ('tillsvidare', 'visstid') AND e.contracted_hours > 0
GROUP BY ALL;
