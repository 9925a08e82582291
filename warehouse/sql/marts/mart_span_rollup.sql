-- Span of control rolled up per kommun, förvaltning, avdelning and enhet (each unit with the
-- units below it). Staff count once per scope however many employments they hold in it;
-- chefstäthet is monthly-paid non-manager employees per manager (Helsingborg definition).
WITH scope_unit AS (
    SELECT a.kommun_code, a.period_date, a.unit_id,
           coalesce(s.unit_level, 'enhet') AS scope_type, a.ancestor_id AS scope_id
    FROM int_unit_ancestor a
    JOIN hist_org_unit s
      ON s.kommun_code = a.kommun_code AND s.period_date = a.period_date
     AND s.unit_id = a.ancestor_id
    UNION ALL
    SELECT kommun_code, period_date, unit_id, 'kommun', kommun_code
    FROM int_unit_tree
),
staff AS (
    SELECT su.kommun_code, su.period_date, su.scope_type, su.scope_id, st.person_id,
           bool_or(st.is_monthly_paid) AS is_monthly_paid, sum(st.fte_monthly_paid) AS fte
    FROM scope_unit su
    JOIN int_unit_staff st USING (kommun_code, period_date, unit_id)
    GROUP BY ALL
),
staff_totals AS (
    SELECT kommun_code, period_date, scope_type, scope_id,
           count(*) FILTER (WHERE is_monthly_paid) AS employees_monthly_paid,
           count(*) FILTER (WHERE NOT is_monthly_paid) AS employees_hourly,
           round(sum(fte), 2) AS fte_monthly_paid
    FROM staff
    GROUP BY ALL
),
scope_managers AS (
    SELECT DISTINCT su.kommun_code, su.period_date, su.scope_type, su.scope_id, m.manager_id,
           m.is_first_line, m.employees_monthly_paid, m.is_above_threshold
    FROM scope_unit su
    JOIN int_manager_unit mu USING (kommun_code, period_date, unit_id)
    JOIN mart_span_of_control m USING (kommun_code, period_date, manager_id)
),
manager_totals AS (
    SELECT kommun_code, period_date, scope_type, scope_id,
           count(*) AS managers,
           count(*) FILTER (WHERE is_first_line) AS first_line_managers,
           avg(employees_monthly_paid) FILTER (WHERE is_first_line) AS mean_span_first_line,
           median(employees_monthly_paid) FILTER (WHERE is_first_line) AS median_span_first_line,
           max(employees_monthly_paid) FILTER (WHERE is_first_line) AS max_span_first_line,
           count(*) FILTER (WHERE is_above_threshold) AS first_line_above_threshold
    FROM scope_managers
    GROUP BY ALL
),
scopes AS (
    SELECT DISTINCT su.kommun_code, su.period_date, su.scope_type, su.scope_id,
           CASE WHEN su.scope_type = 'kommun' THEN k.kommun_name ELSE u.unit_name END AS scope_name,
           CASE WHEN su.scope_type = 'kommun' THEN NULL ELSE t.forvaltning_id END AS forvaltning_id
    FROM scope_unit su
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
       k.span_threshold
FROM scopes s
JOIN kommun k USING (kommun_code)
LEFT JOIN staff_totals st USING (kommun_code, period_date, scope_type, scope_id)
LEFT JOIN manager_totals mt USING (kommun_code, period_date, scope_type, scope_id)
LEFT JOIN hist_org_unit f
  ON f.kommun_code = s.kommun_code AND f.period_date = s.period_date AND f.unit_id = s.forvaltning_id
