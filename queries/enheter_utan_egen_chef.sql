-- Enheter utan egen chef
-- Units with no manager of their own, per period: their staff count to the nearest manager
-- above, or to nobody when there is none (the rule says which).
SELECT kommun_code, period_date,
       unit_id,
       detail AS unit_name,
       rule
FROM mart_data_quality
WHERE check_name = 'unit_without_manager'
ORDER BY kommun_code, period_date, unit_id
