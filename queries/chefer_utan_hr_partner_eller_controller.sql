-- Chefer utan HR-partner eller controller, per förvaltning
-- Managers with no named HR partner or controller/ekonom in each förvaltning at each kommun's
-- latest period (empty when the kommun sent no support-function file).
SELECT kommun_code, kommun_name, period_date,
       scope_name AS forvaltning_name,
       managers,
       managers_without_hr_partner,
       managers_without_controller,
       admin_support_fte_per_manager
FROM mart_span_rollup
WHERE scope_type = 'forvaltning'
QUALIFY period_date = max(period_date) OVER (PARTITION BY kommun_code)
ORDER BY kommun_name, managers_without_hr_partner DESC NULLS LAST, forvaltning_name
