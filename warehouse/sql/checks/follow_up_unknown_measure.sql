-- fel: a follow-up names a measure that no action plan of the kommun has.
SELECT f.kommun_code, f.period_date, 'fel' AS severity,
       'uppföljningen gäller en åtgärd som inte finns i handlingsplanen' AS rule,
       NULL AS unit_id, f.source_sha256, f.source_row, f.measure_id AS detail
FROM hist_follow_up f
WHERE NOT EXISTS (SELECT 1 FROM hist_action_measure m
                  WHERE m.kommun_code = f.kommun_code AND m.measure_id = f.measure_id)
