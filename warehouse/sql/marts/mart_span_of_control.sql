-- Key figures per manager and period (DESIGN §8). The span of control is the distinct
-- non-manager persons employed in the units the manager leads; monthly-paid (tillsvidare +
-- visstid) is the headline figure, hourly staff and FTE stand beside it. Sick leave follows
-- SKR (sick-leave hours / contracted hours of monthly-paid staff) over everyone in the manager's
-- units and the units below them, the manager included: the rollup of the manager's unit, so
-- the two never differ by one person. Health data: shown only where warehouse/disclosure lets it.
WITH span AS (
    SELECT kommun_code, period_date, manager_id,
           count(*) FILTER (WHERE is_monthly_paid) AS employees_monthly_paid,
           count(*) FILTER (WHERE NOT is_monthly_paid) AS employees_hourly,
           count(*) FILTER (WHERE is_monthly_paid AND NOT has_tillsvidare) AS employees_visstid,
           sum(fte_monthly_paid) AS fte_monthly_paid,
           length(list_distinct(flatten(list(workplace_ids)))) AS workplaces
    FROM int_led_staff
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
),
sick AS (
    SELECT h.kommun_code, h.period_date, h.manager_id, h.contracted_hours, h.sick_leave_hours,
           h.long_term_sick_leave_hours AS long_term_hours, p.is_shown
    FROM int_manager_hours h
    JOIN int_sick_leave_protection p
      ON p.kommun_code = h.kommun_code AND p.period_date = h.period_date
     AND p.cell_kind = 'manager' AND p.manager_id = h.manager_id
),
co AS (
    SELECT t.kommun_code, t.period_date, t.leader_id AS manager_id,
           count(DISTINCT c.person_id) AS co_managers
    FROM int_co_manager c
    JOIN int_unit_tree t USING (kommun_code, period_date, unit_id)
    GROUP BY ALL
),
support AS (
    SELECT kommun_code, period_date, manager_id, sum(fte) AS admin_support_fte
    FROM int_manager_support
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
       coalesce(co.co_managers, 0) AS co_managers,
       k.span_threshold,
       lvl.manager_level = 1 AND coalesce(span.employees_monthly_paid, 0) > k.span_threshold
           AS is_above_threshold,
       round(100.0 * span.employees_visstid
             / nullif(span.employees_monthly_paid + span.employees_hourly, 0), 1)
           AS share_visstid_pct,
       round(100.0 * span.employees_hourly
             / nullif(span.employees_monthly_paid + span.employees_hourly, 0), 1)
           AS share_hourly_pct,
       coalesce(span.workplaces, 0) AS workplaces,
       ten.tenure_months,
       round(coalesce(sup.admin_support_fte, 0), 2) AS admin_support_fte,
       -- unknown (empty) when the kommun sent no support-function file for the period
       CASE WHEN named.kommun_code IS NOT NULL THEN coalesce(cov.has_hr_partner, false) END
           AS has_hr_partner,
       CASE WHEN named.kommun_code IS NOT NULL THEN coalesce(cov.has_controller, false) END
           AS has_controller,
       CASE WHEN sick.is_shown
            THEN round(100.0 * sick.sick_leave_hours / nullif(sick.contracted_hours, 0), 1)
       END AS sick_leave_pct,
       CASE WHEN sick.is_shown
            THEN round(100.0 * sick.long_term_hours / nullif(sick.sick_leave_hours, 0), 1)
       END AS long_term_sick_leave_share_pct
FROM units
JOIN kommun k USING (kommun_code)
JOIN int_manager_level lvl USING (kommun_code, period_date, manager_id)
JOIN hist_org_unit f
  ON f.kommun_code = units.kommun_code AND f.period_date = units.period_date
 AND f.unit_id = units.forvaltning_id
LEFT JOIN span USING (kommun_code, period_date, manager_id)
LEFT JOIN led USING (kommun_code, period_date, manager_id)
LEFT JOIN co USING (kommun_code, period_date, manager_id)
LEFT JOIN int_manager_tenure ten USING (kommun_code, period_date, manager_id)
LEFT JOIN sick USING (kommun_code, period_date, manager_id)
LEFT JOIN support sup USING (kommun_code, period_date, manager_id)
LEFT JOIN int_manager_coverage cov USING (kommun_code, period_date, manager_id)
LEFT JOIN (SELECT DISTINCT kommun_code, period_date FROM hist_support_assignment) named
       ON named.kommun_code = units.kommun_code AND named.period_date = units.period_date
