-- varning: a person has several employments; they count once in headcount, FTE is summed.
-- The few such persons are found first on the key alone: aggregating every person's rows (a
-- string of row numbers each) cost most of the checks at national scale.
WITH several AS (
    SELECT kommun_code, period_date, person_id
    FROM hist_employment
    GROUP BY ALL
    HAVING count(*) > 1
)
SELECT e.kommun_code, e.period_date, 'varning' AS severity,
       'personen har flera anställningar: räknas en gång, sysselsättningsgraden summeras' AS rule,
       min(e.unit_id) AS unit_id, any_value(e.source_sha256) AS source_sha256,
       min(e.source_row) AS source_row,
       'rader ' || string_agg(e.source_row::VARCHAR, ', ' ORDER BY e.source_row) AS detail
FROM hist_employment e
SEMI JOIN several s
       ON s.kommun_code = e.kommun_code AND s.period_date = e.period_date
      AND s.person_id = e.person_id
GROUP BY e.kommun_code, e.period_date, e.person_id
