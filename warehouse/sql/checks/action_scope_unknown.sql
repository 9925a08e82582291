-- fel: a measure names a scope that is neither 'Hela kommunen' nor a unit in the org data.
SELECT m.kommun_code, m.period_date, 'fel' AS severity,
       'omfattningen finns inte i organisationen (skriv ett enhetsnamn eller Hela kommunen)'
           AS rule,
       NULL AS unit_id, m.source_sha256, m.source_row, m.scope_name AS detail
FROM int_action_measure m
JOIN int_action_scope s USING (kommun_code, period_date, measure_id)
WHERE s.scope_id IS NULL
