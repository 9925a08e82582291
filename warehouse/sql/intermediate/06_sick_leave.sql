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

-- The same population per manager as the rollup: everyone with hours in the units the manager
-- is registered on and every unit below them, the manager included. For a manager of one unit
-- this is exactly that unit's rollup, so the two figures can never differ by one person.
CREATE OR REPLACE TEMP TABLE int_manager_scope_unit AS
SELECT DISTINCT mu.kommun_code, mu.period_date, mu.manager_id, a.unit_id
FROM int_manager_unit mu
JOIN int_unit_ancestor a
  ON a.kommun_code = mu.kommun_code AND a.period_date = mu.period_date
 AND a.ancestor_id = mu.unit_id;

CREATE OR REPLACE TEMP TABLE int_manager_hours AS
SELECT m.kommun_code, m.period_date, m.manager_id,
       count(DISTINCT e.person_id) AS persons_with_hours,
       sum(e.contracted_hours) AS contracted_hours,
       sum(e.sick_leave_hours) AS sick_leave_hours,
       sum(e.long_term_sick_leave_hours) AS long_term_sick_leave_hours
FROM int_manager_scope_unit m
JOIN hist_employment e USING (kommun_code, period_date, unit_id)
WHERE e.employment_form IN ('tillsvidare', 'visstid') AND e.contracted_hours > 0
GROUP BY ALL;

-- Atoms for disclosure control (warehouse/disclosure/sick_leave.py): persons per set of units
-- they have hours in, sex and age band. A person with hours in two units is in the figures of
-- both (once in a scope holding both), so every sick-leave figure's persons are a union of atoms.
CREATE OR REPLACE TEMP TABLE int_sick_leave_atom AS
WITH person AS (
    SELECT kommun_code, period_date, person_id, list(DISTINCT unit_id ORDER BY unit_id) AS units,
           any_value(sex) AS sex, any_value(age_band) AS age_band
    FROM hist_employment
    WHERE employment_form IN ('tillsvidare', 'visstid') AND contracted_hours > 0
    GROUP BY ALL
)
SELECT kommun_code, period_date, units, sex, age_band, count(*) AS persons
FROM person
GROUP BY ALL;
