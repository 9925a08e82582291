-- Kolada's figures beside the kommun's own (schemas/kolada.py): the configured KPIs come in as
-- the relation kolada_kpi_config; Kolada's T/K/M rows meet our alla/K/M groups of the whole kommun.
WITH own_period AS (
    SELECT kommun_code, year(period_date) AS year, max(period_date) AS own_period_date
    FROM mart_sick_leave
    GROUP BY ALL
)
SELECT v.kommun_code, k.kommun_name, v.kpi_id, v.kpi_title, v.year, v.gender,
       v.value AS kolada_value, v.status AS kolada_status, v.fetched_at,
       date_diff('day', CAST(v.fetched_at AS DATE), current_date) AS age_days,
       c.own_metric, p.own_period_date,
       CASE c.own_metric
           WHEN 'sick_leave_pct' THEN s.sick_leave_pct
           WHEN 'long_term_sick_leave_share_pct' THEN s.long_term_sick_leave_share_pct
       END AS own_value
FROM kolada_value v
JOIN kolada_kpi_config c ON c.kpi_id = v.kpi_id
JOIN mart_kommun k ON k.kommun_code = v.kommun_code
LEFT JOIN own_period p ON p.kommun_code = v.kommun_code AND p.year = v.year
LEFT JOIN mart_sick_leave s
  ON s.kommun_code = v.kommun_code AND s.period_date = p.own_period_date
 AND s.scope_type = 'kommun'
 AND ((v.gender = 'T' AND s.breakdown = 'alla')
      OR (c.own_breakdown = 'kön' AND s.breakdown = 'kön' AND s.breakdown_group = v.gender))
