-- Chefstäthet över tid, per förvaltning och kommun
-- Monthly-paid non-manager employees per manager (Helsingborg's chefstäthet), for the kommun and
-- each förvaltning, period by period.
SELECT kommun_code, kommun_name, period_date,
       scope_type,
       scope_name,
       managers,
       employees_monthly_paid,
       chefstathet
FROM mart_span_rollup
WHERE scope_type IN ('kommun', 'forvaltning')
ORDER BY kommun_name, scope_type = 'forvaltning', scope_name, period_date
