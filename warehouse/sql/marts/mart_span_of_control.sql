-- Employees per manager (span of control), one row per manager and period (DESIGN §8).
-- Distinct non-manager persons employed in the units the manager leads; monthly-paid
-- (tillsvidare + visstid) is the headline figure, hourly staff and FTE stand beside it.
WITH led_staff AS (
    SELECT t.kommun_code, t.period_date, t.leader_id AS manager_id, s.person_id,
           bool_or(s.is_monthly_paid) AS is_monthly_paid,
           sum(s.fte_monthly_paid) AS fte_monthly_paid
    FROM int_unit_tree t
    JOIN int_unit_staff s USING (kommun_code, period_date, unit_id)
    WHERE t.leader_id IS NOT NULL
    GROUP BY ALL
),
span AS (
    SELECT kommun_code, period_date, manager_id,
           count(*) FILTER (WHERE is_monthly_paid) AS employees_monthly_paid,
           count(*) FILTER (WHERE NOT is_monthly_paid) AS employees_hourly,
           sum(fte_monthly_paid) AS fte_monthly_paid
    FROM led_staff
    GROUP BY ALL
),
units AS (
    SELECT mu.kommun_code, mu.period_date, mu.manager_id,
           string_agg(mu.unit_id, '; ' ORDER BY mu.depth, u.unit_name) AS unit_ids,
           string_agg(u.unit_name, '; ' ORDER BY mu.depth, u.unit_name) AS unit_names,
           arg_min(mu.forvaltning_id, mu.depth) AS forvaltning_id,
           mode(u.verksamhet) AS verksamhet
    FROM int_manager_unit mu
    JOIN hist_org_unit u USING (kommun_code, period_date, unit_id)
    GROUP BY ALL
),
led AS (
    SELECT kommun_code, period_date, parent_manager_id AS manager_id, count(*) AS managers_led
    FROM int_manager_parent
    WHERE parent_manager_id IS NOT NULL
    GROUP BY ALL
)
SELECT units.kommun_code, k.kommun_name, units.period_date, units.manager_id,
       units.forvaltning_id, f.unit_name AS forvaltning_name,
       units.unit_ids, units.unit_names, units.verksamhet,
       lvl.manager_level, lvl.manager_level = 1 AS is_first_line,
       coalesce(span.employees_monthly_paid, 0) AS employees_monthly_paid,
       coalesce(span.employees_hourly, 0) AS employees_hourly,
       round(coalesce(span.fte_monthly_paid, 0), 2) AS fte_monthly_paid,
       coalesce(led.managers_led, 0) AS managers_led,
       k.span_threshold,
       lvl.manager_level = 1 AND coalesce(span.employees_monthly_paid, 0) > k.span_threshold
           AS is_above_threshold
FROM units
JOIN kommun k USING (kommun_code)
JOIN int_manager_level lvl USING (kommun_code, period_date, manager_id)
JOIN hist_org_unit f
  ON f.kommun_code = units.kommun_code AND f.period_date = units.period_date
 AND f.unit_id = units.forvaltning_id
LEFT JOIN span USING (kommun_code, period_date, manager_id)
LEFT JOIN led USING (kommun_code, period_date, manager_id)
