-- The files behind this publication: one row per file loaded in the latest refresh of each
-- kommun and period, with its row counts and rejects.
SELECT refresh_id, refreshed_at, kommun_code, period_date, source, file_name,
       rows_read, rows_loaded, rows_rejected
FROM refresh_log
WHERE status = 'loaded'
  AND kommun_code IN (SELECT DISTINCT kommun_code FROM hist_org_unit)
QUALIFY refreshed_at = max(refreshed_at) OVER (PARTITION BY kommun_code, period_date, source)
