-- Key figures rolled up per kommun, förvaltning, avdelning and enhet (each unit together
-- with the units below it), per period. Staff count once per scope however many employments
-- they hold in it; chefstäthet is monthly-paid non-manager employees per manager (Helsingborg
-- definition); turnover compares the scope's managers with the kommun's previous period.
-- No list aggregates here: their states do not spill, and at national scale (a list per person
-- and scope, then one per scope) they ran the build out of DuckDB's memory. Workplaces are
-- counted from (unit, workplace) pairs instead.
-- Staff are one row per person and scope. Nearly everyone works in one unit, and their rows need
-- no grouping per scope: only people in several units are merged per scope (grouping every
-- person x scope row on the long scope ids was most of this mart's cost, as in int_scope_hours).
WITH person AS (
    SELECT kommun_code, period_date, person_id, count(*) = 1 AS one_unit
    FROM int_unit_staff
    GROUP BY ALL
),
staff AS (
    SELECT su.kommun_code, su.period_date, su.scope_type, su.scope_id, st.person_id,
           st.is_monthly_paid, st.has_tillsvidare, st.fte_monthly_paid AS fte,
           coalesce(len(st.workplace_ids) > 0, false) AS has_workplace
    FROM int_unit_staff st
    SEMI JOIN person p
           ON p.kommun_code = st.kommun_code AND p.period_date = st.period_date
          AND p.person_id = st.person_id AND p.one_unit
    JOIN int_scope_unit su USING (kommun_code, period_date, unit_id)
    UNION ALL
    SELECT su.kommun_code, su.period_date, su.scope_type, su.scope_id, st.person_id,
           bool_or(st.is_monthly_paid), bool_or(st.has_tillsvidare), sum(st.fte_monthly_paid),
           coalesce(bool_or(len(st.workplace_ids) > 0), false)
    FROM int_unit_staff st
    SEMI JOIN person p
           ON p.kommun_code = st.kommun_code AND p.period_date = st.period_date
          AND p.person_id = st.person_id AND NOT p.one_unit
    JOIN int_scope_unit su USING (kommun_code, period_date, unit_id)
    GROUP BY su.kommun_code, su.period_date, su.scope_type, su.scope_id, st.person_id
),
unit_workplaces AS (
    SELECT DISTINCT kommun_code, period_date, unit_id, unnest(workplace_ids) AS workplace_id
    FROM int_unit_staff
),
scope_workplaces AS (
    SELECT su.kommun_code, su.period_date, su.scope_type, su.scope_id,
           count(DISTINCT w.workplace_id) AS workplaces
    FROM int_scope_unit su
    JOIN unit_workplaces w USING (kommun_code, period_date, unit_id)
    GROUP BY ALL
),
staff_totals AS (
    SELECT s.kommun_code, s.period_date, s.scope_type, s.scope_id,
           count(*) FILTER (WHERE is_monthly_paid) AS employees_monthly_paid,
           count(*) FILTER (WHERE NOT is_monthly_paid) AS employees_hourly,
           count(*) FILTER (WHERE is_monthly_paid AND NOT has_tillsvidare) AS employees_visstid,
           round(sum(fte), 2) AS fte_monthly_paid,
           coalesce(any_value(w.workplaces), 0) AS workplaces,
           count(*) FILTER (WHERE has_workplace) AS staff_with_workplace,
           count(*) AS staff
    FROM staff s
    LEFT JOIN scope_workplaces w USING (kommun_code, period_date, scope_type, scope_id)
    GROUP BY s.kommun_code, s.period_date, s.scope_type, s.scope_id
),
-- A manager once per scope however many of its units they lead: distinct on the manager's key
-- (unique in mart_span_of_control), not on all of the manager's columns.
scope_managers AS (
    SELECT sm.kommun_code, sm.period_date, sm.scope_type, sm.scope_id, m.*
        EXCLUDE (kommun_code, period_date)
    FROM (SELECT DISTINCT su.kommun_code, su.period_date, su.scope_type, su.scope_id, mu.manager_id
          FROM int_scope_unit su
          JOIN int_manager_unit mu USING (kommun_code, period_date, unit_id)) sm
    JOIN mart_span_of_control m USING (kommun_code, period_date, manager_id)
),
manager_totals AS (
    SELECT kommun_code, period_date, scope_type, scope_id,
           count(*) AS managers,
           count(*) FILTER (WHERE is_first_line) AS first_line_managers,
           avg(employees_monthly_paid) FILTER (WHERE is_first_line) AS mean_span_first_line,
           median(employees_monthly_paid) FILTER (WHERE is_first_line) AS median_span_first_line,
           max(employees_monthly_paid) FILTER (WHERE is_first_line) AS max_span_first_line,
           count(*) FILTER (WHERE is_above_threshold) AS first_line_above_threshold,
           -- DECIMAL: a sum of 2-decimal figures that must not depend on summation order
           sum(CAST(admin_support_fte AS DECIMAL(18, 2))) AS admin_support_fte,
           CASE WHEN bool_or(has_hr_partner IS NOT NULL)
                THEN count(*) FILTER (WHERE NOT has_hr_partner) END AS managers_without_hr_partner,
           CASE WHEN bool_or(has_controller IS NOT NULL)
                THEN count(*) FILTER (WHERE NOT has_controller) END AS managers_without_controller,
           avg(tenure_months) AS mean_tenure_months
    FROM scope_managers
    GROUP BY ALL
),
previous AS (
    SELECT kommun_code, period_date,
           lag(period_date) OVER (PARTITION BY kommun_code ORDER BY period_date)
               AS previous_period_date
    FROM (SELECT DISTINCT kommun_code, period_date FROM hist_org_unit)
),
turnover AS (
    SELECT p.kommun_code, p.period_date, sm.scope_type, sm.scope_id,
           count(*) AS managers_previous_period,
           count(*) FILTER (WHERE NOT EXISTS (
               SELECT 1 FROM int_manager_unit now
               WHERE now.kommun_code = p.kommun_code AND now.period_date = p.period_date
                 AND now.manager_id = sm.manager_id)) AS managers_left
    FROM previous p
    JOIN scope_managers sm
      ON sm.kommun_code = p.kommun_code AND sm.period_date = p.previous_period_date
    GROUP BY ALL
),
sick AS (
    SELECT h.kommun_code, h.period_date, h.scope_type, h.scope_id,
           sum(h.contracted_hours) AS contracted_hours, sum(h.sick_leave_hours) AS sick_hours,
           sum(h.long_term_sick_leave_hours) AS long_term_hours,
           any_value(p.is_shown) AS is_shown  -- the scope's 'alla' in mart_sick_leave
    FROM int_scope_hours h
    JOIN int_sick_leave_protection p
      ON p.kommun_code = h.kommun_code AND p.period_date = h.period_date
     AND p.cell_kind = 'scope' AND p.scope_type = h.scope_type AND p.scope_id = h.scope_id
     AND p.breakdown = 'alla'
    GROUP BY ALL
),
scopes AS (
    SELECT DISTINCT su.kommun_code, su.period_date, su.scope_type, su.scope_id,
           CASE WHEN su.scope_type = 'kommun' THEN k.kommun_name ELSE u.unit_name END AS scope_name,
           CASE WHEN su.scope_type = 'kommun' THEN NULL ELSE t.forvaltning_id END AS forvaltning_id
    FROM int_scope_unit su
    JOIN kommun k USING (kommun_code)
    LEFT JOIN hist_org_unit u
      ON u.kommun_code = su.kommun_code AND u.period_date = su.period_date AND u.unit_id = su.scope_id
    LEFT JOIN int_unit_tree t
      ON t.kommun_code = su.kommun_code AND t.period_date = su.period_date AND t.unit_id = su.scope_id
)
SELECT s.kommun_code, k.kommun_name, s.period_date, s.scope_type, s.scope_id, s.scope_name,
       s.forvaltning_id, f.unit_name AS forvaltning_name,
       coalesce(st.employees_monthly_paid, 0) AS employees_monthly_paid,
       coalesce(st.employees_hourly, 0) AS employees_hourly,
       coalesce(st.fte_monthly_paid, 0) AS fte_monthly_paid,
       coalesce(mt.managers, 0) AS managers,
       coalesce(mt.first_line_managers, 0) AS first_line_managers,
       round(mt.mean_span_first_line, 1) AS mean_span_first_line,
       mt.median_span_first_line,
       mt.max_span_first_line,
       coalesce(mt.first_line_above_threshold, 0) AS first_line_above_threshold,
       round(100.0 * mt.first_line_above_threshold / nullif(mt.first_line_managers, 0), 1)
           AS share_first_line_above_threshold_pct,
       round(st.employees_monthly_paid / nullif(mt.managers, 0), 1) AS chefstathet,
       k.span_threshold,
       round(100.0 * st.employees_visstid
             / nullif(st.employees_monthly_paid + st.employees_hourly, 0), 1) AS share_visstid_pct,
       round(100.0 * st.employees_hourly
             / nullif(st.employees_monthly_paid + st.employees_hourly, 0), 1) AS share_hourly_pct,
       coalesce(st.workplaces, 0) AS workplaces,
       -- Unknown (NULL, "uppgift saknas") unless at least half the scope's staff have a known
       -- arbetsställe: an export without workplaces would otherwise read as 0,0 (a "strength").
       CASE WHEN st.staff_with_workplace > 0 AND 2 * st.staff_with_workplace >= st.staff
            THEN round(st.workplaces / nullif(mt.managers, 0), 1)
       END AS workplaces_per_manager,
       round(coalesce(mt.admin_support_fte, 0), 2) AS admin_support_fte,
       round(mt.admin_support_fte / nullif(mt.managers, 0), 2) AS admin_support_fte_per_manager,
       mt.managers_without_hr_partner,
       mt.managers_without_controller,
       round(mt.mean_tenure_months, 1) AS mean_tenure_months,
       p.previous_period_date,
       tu.managers_left,
       round(100.0 * tu.managers_left
             / nullif((tu.managers_previous_period + coalesce(mt.managers, 0)) / 2.0, 0), 1)
           AS manager_turnover_pct,
       CASE WHEN sk.is_shown
            THEN round(100.0 * sk.sick_hours / nullif(sk.contracted_hours, 0), 1)
       END AS sick_leave_pct,
       CASE WHEN sk.is_shown
            THEN round(100.0 * sk.long_term_hours / nullif(sk.sick_hours, 0), 1)
       END AS long_term_sick_leave_share_pct
FROM scopes s
JOIN kommun k USING (kommun_code)
JOIN previous p USING (kommun_code, period_date)
LEFT JOIN staff_totals st USING (kommun_code, period_date, scope_type, scope_id)
LEFT JOIN manager_totals mt USING (kommun_code, period_date, scope_type, scope_id)
LEFT JOIN turnover tu USING (kommun_code, period_date, scope_type, scope_id)
LEFT JOIN sick sk USING (kommun_code, period_date, scope_type, scope_id)
LEFT JOIN hist_org_unit f
  ON f.kommun_code = s.kommun_code AND f.period_date = s.period_date AND f.unit_id = s.forvaltning_id
