-- varning: one manager leads units in more than one förvaltning; the figures place the
-- manager in the förvaltning of their highest unit.
SELECT mu.kommun_code, mu.period_date, 'varning' AS severity,
       'chefen leder enheter i flera förvaltningar' AS rule,
       min(mu.unit_id) AS unit_id, any_value(u.source_sha256) AS source_sha256,
       min(u.source_row) AS source_row,
       string_agg(DISTINCT f.unit_name, ', ' ORDER BY f.unit_name) AS detail
FROM int_manager_unit mu
JOIN hist_org_unit u USING (kommun_code, period_date, unit_id)
JOIN hist_org_unit f
  ON f.kommun_code = mu.kommun_code AND f.period_date = mu.period_date
 AND f.unit_id = mu.forvaltning_id
GROUP BY mu.kommun_code, mu.period_date, mu.manager_id
HAVING count(DISTINCT mu.forvaltning_id) > 1
