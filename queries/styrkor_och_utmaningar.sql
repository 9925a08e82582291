-- Styrkor och utmaningar per förvaltning
-- Every figure flagged as a strength or a challenge at each kommun's latest period, with the
-- förvaltning's value, the kommun's, the förvaltningar's median and why.
SELECT kommun_code, kommun_name, period_date,
       forvaltning_name,
       assessment,
       metric_label,
       unit,
       value,
       kommun_value,
       kommun_median,
       basis,
       reason
FROM mart_strengths_challenges
WHERE assessment IS NOT NULL
QUALIFY period_date = max(period_date) OVER (PARTITION BY kommun_code)
ORDER BY kommun_name, forvaltning_name, assessment DESC, metric_position
