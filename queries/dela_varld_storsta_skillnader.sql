-- Dela värld: största skillnaderna mellan ledningen och cheferna
-- Constructs and items where top management's view (0-100) differs most from the managers',
-- per kommun and survey period; only where both sides are shown.
SELECT kommun_code, kommun_name, period_date,
       survey_title,
       measure_type,
       measure_text,
       managers_index_0_100,
       top_management_index_0_100,
       gap_0_100
FROM mart_survey_dela_varld
WHERE gap_0_100 IS NOT NULL
ORDER BY kommun_name, period_date, abs(gap_0_100) DESC, measure_id
