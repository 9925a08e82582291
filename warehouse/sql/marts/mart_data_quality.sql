-- What the checks found in the data behind this publication (warnings; errors never publish).
SELECT kommun_code, period_date, check_name, severity, rule, file_name, row_number, unit_id,
       detail
FROM data_quality
WHERE kommun_code IN (SELECT DISTINCT kommun_code FROM hist_org_unit)
