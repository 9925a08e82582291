-- Per manager: tenure in the current role and the staff of the units they lead.
-- Tenure counts from the start of the manager's own employment in a unit they lead
-- (the latest such start, as a new manager role is a new employment in AID terms).
CREATE OR REPLACE TEMP TABLE int_manager_tenure AS
SELECT mu.kommun_code, mu.period_date, mu.manager_id,
       datediff('month', max(e.start_date), mu.period_date) AS tenure_months
FROM int_manager_unit mu
JOIN hist_employment e
  ON e.kommun_code = mu.kommun_code AND e.period_date = mu.period_date
 AND e.unit_id = mu.unit_id AND e.person_id = mu.manager_id
GROUP BY mu.kommun_code, mu.period_date, mu.manager_id;

-- One row per manager and person in the units the manager leads (a person counts once).
CREATE OR REPLACE TEMP TABLE int_led_staff AS
SELECT t.kommun_code, t.period_date, t.leader_id AS manager_id, s.person_id,
       bool_or(s.is_monthly_paid) AS is_monthly_paid,
       bool_or(s.has_tillsvidare) AS has_tillsvidare,
       sum(s.fte_monthly_paid) AS fte_monthly_paid,
       flatten(list(s.workplace_ids)) AS workplace_ids,
       sum(s.contracted_hours) AS contracted_hours,
       sum(s.sick_leave_hours) AS sick_leave_hours,
       sum(s.long_term_sick_leave_hours) AS long_term_sick_leave_hours
FROM int_unit_tree t
JOIN int_unit_staff s USING (kommun_code, period_date, unit_id)
WHERE t.leader_id IS NOT NULL
GROUP BY ALL;
