-- Medarbetare per chef över tid, per enhet
-- Mean monthly-paid employees per first-line manager for every enhet (with the units below
-- it), period by period, with the change since the enhet's previous period.
SELECT kommun_code, kommun_name, period_date,
       forvaltning_name,
       scope_id AS enhet_id,
       scope_name AS enhet_name,
       first_line_managers,
       mean_span_first_line,
       round(mean_span_first_line - lag(mean_span_first_line) OVER (
           PARTITION BY kommun_code, scope_id ORDER BY period_date
       ), 1) AS change_since_previous_period
FROM mart_span_rollup
WHERE scope_type = 'enhet'
ORDER BY kommun_name, forvaltning_name, enhet_name, enhet_id, period_date
