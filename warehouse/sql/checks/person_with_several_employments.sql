-- varning: a person has several employments; they count once in headcount, FTE is summed.
SELECT kommun_code, period_date, 'varning' AS severity,
       'personen har flera anställningar: räknas en gång, sysselsättningsgraden summeras' AS rule,
       min(unit_id) AS unit_id, any_value(source_sha256) AS source_sha256,
       min(source_row) AS source_row,
       'rader ' || string_agg(source_row::VARCHAR, ', ' ORDER BY source_row) AS detail
FROM hist_employment
GROUP BY kommun_code, period_date, person_id
HAVING count(*) > 1
