-- Administrativt stöd per chef: förvaltningarna mot kommunen
-- Administrative support FTE per manager in each förvaltning beside the whole kommun's, and the
-- difference, at each kommun's latest period; the least supported förvaltningar first.
WITH latest AS (
    SELECT *
    FROM mart_span_rollup
    QUALIFY period_date = max(period_date) OVER (PARTITION BY kommun_code)
)
SELECT f.kommun_code, f.kommun_name, f.period_date,
       f.scope_name AS forvaltning_name,
       f.managers,
       f.admin_support_fte_per_manager,
       k.admin_support_fte_per_manager AS kommun_admin_support_fte_per_manager,
       round(f.admin_support_fte_per_manager - k.admin_support_fte_per_manager, 2) AS difference
FROM latest f
JOIN latest k ON k.kommun_code = f.kommun_code AND k.scope_type = 'kommun'
WHERE f.scope_type = 'forvaltning'
ORDER BY f.kommun_name, difference NULLS LAST, forvaltning_name
