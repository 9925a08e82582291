-- Chefer med flest medarbetare
-- The ten first-line managers with the most monthly-paid employees in each kommun at its latest
-- period (pseudonymous; units, förvaltning and employment mix beside them).
SELECT kommun_code, kommun_name, period_date,
       forvaltning_name,
       unit_names,
       verksamhet,
       employees_monthly_paid,
       employees_hourly,
       fte_monthly_paid,
       span_threshold,
       is_above_threshold
FROM mart_span_of_control
WHERE is_first_line
QUALIFY period_date = max(period_date) OVER (PARTITION BY kommun_code)
    AND row_number() OVER (
        PARTITION BY kommun_code, period_date
        ORDER BY employees_monthly_paid DESC, unit_names
    ) <= 10
ORDER BY kommun_name, employees_monthly_paid DESC, unit_names
