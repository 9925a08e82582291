-- Chefsomsättning och tid i rollen, per förvaltning
-- Managers who left since the previous period, turnover in percent and mean months in the role,
-- for the kommun and each förvaltning, in every period that has a previous one.
SELECT kommun_code, kommun_name, period_date,
       previous_period_date,
       scope_type,
       scope_name,
       managers,
       managers_left,
       manager_turnover_pct,
       mean_tenure_months
FROM mart_span_rollup
WHERE scope_type IN ('kommun', 'forvaltning') AND previous_period_date IS NOT NULL
ORDER BY kommun_name, period_date, scope_type = 'forvaltning', scope_name
