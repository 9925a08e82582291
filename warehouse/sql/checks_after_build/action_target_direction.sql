-- fel: a linked indicator's target lies on the wrong side of its baseline (e.g. a higher
-- span as the target for a measure meant to lower it). Needs the built marts for the baseline.
SELECT p.kommun_code, p.plan_period_date AS period_date, 'fel' AS severity,
       'målvärdet ligger åt fel håll från utgångsvärdet ' || p.baseline_value
           || ' (' || p.indicator_label || ' är bättre ' ||
           CASE c.better WHEN 'lower' THEN 'lägre' ELSE 'högre' END || ')' AS rule,
       NULL AS unit_id, i.source_sha256, i.source_row,
       p.indicator_id || ' = ' || p.target_value AS detail
FROM mart_action_plan p
JOIN indicator_catalogue c USING (indicator_id)
JOIN hist_action_indicator i
  ON i.kommun_code = p.kommun_code AND i.period_date = p.plan_period_date
 AND i.measure_id = p.measure_id AND i.indicator_id = p.indicator_id
WHERE p.is_target_wrong_direction
