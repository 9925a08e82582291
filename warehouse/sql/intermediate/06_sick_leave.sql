-- Hours per person and scope for SKR's sick-leave figures: every monthly-paid employment
-- (managers included), a person counted once per scope with their hours summed.
-- Nearly everyone has hours in one unit only, and their rows need no grouping per scope: only
-- people with hours in several units are summed per scope (grouping all 3.4 M person x scope rows
-- on the long scope ids was the largest cost of the intermediates at national scale).
CREATE OR REPLACE TEMP TABLE int_scope_hours AS
WITH hours AS (
    SELECT kommun_code, period_date, unit_id, person_id, sex, age_band,
           contracted_hours, sick_leave_hours, long_term_sick_leave_hours
    FROM hist_employment
    WHERE employment_form IN ('tillsvidare', 'visstid') AND contracted_hours > 0
      AND unit_id IS NOT NULL  -- in no scope, and so not in the person's sums either
),
person AS (
    SELECT kommun_code, period_date, person_id, min(unit_id) AS unit_id,
           max(unit_id) = min(unit_id) AS one_unit,
           any_value(sex) AS sex, any_value(age_band) AS age_band,
           sum(contracted_hours) AS contracted_hours,
           sum(sick_leave_hours) AS sick_leave_hours,
           sum(long_term_sick_leave_hours) AS long_term_sick_leave_hours
    FROM hours
    GROUP BY kommun_code, period_date, person_id
)
SELECT su.kommun_code, su.period_date, su.scope_type, su.scope_id, p.person_id,
       p.sex, p.age_band, p.contracted_hours, p.sick_leave_hours, p.long_term_sick_leave_hours
FROM person p
JOIN int_scope_unit su USING (kommun_code, period_date, unit_id)
WHERE p.one_unit
UNION ALL
SELECT su.kommun_code, su.period_date, su.scope_type, su.scope_id, h.person_id,
       any_value(h.sex), any_value(h.age_band),
       sum(h.contracted_hours), sum(h.sick_leave_hours), sum(h.long_term_sick_leave_hours)
FROM hours h
SEMI JOIN person p
       ON p.kommun_code = h.kommun_code AND p.period_date = h.period_date
      AND p.person_id = h.person_id AND NOT p.one_unit
JOIN int_scope_unit su
  ON su.kommun_code = h.kommun_code AND su.period_date = h.period_date AND su.unit_id = h.unit_id
GROUP BY su.kommun_code, su.period_date, su.scope_type, su.scope_id, h.person_id;

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
