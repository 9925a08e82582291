-- Chefer i första linjen över gränsen, per förvaltning
-- First-line managers with more monthly-paid employees than the kommun's threshold, per
-- förvaltning, at each kommun's latest period; the förvaltningar with the largest share first.
SELECT kommun_code, kommun_name, period_date,
       scope_name AS forvaltning_name,
       span_threshold,
       first_line_managers,
       first_line_above_threshold,
       share_first_line_above_threshold_pct
FROM mart_span_rollup
WHERE scope_type = 'forvaltning'
QUALIFY period_date = max(period_date) OVER (PARTITION BY kommun_code)
ORDER BY kommun_name, share_first_line_above_threshold_pct DESC NULLS LAST, forvaltning_name
