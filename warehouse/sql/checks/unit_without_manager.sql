-- varning: a unit has no manager of its own; its staff roll up to the nearest manager above
-- (DESIGN §8), or to nobody when there is none above either.
SELECT t.kommun_code, t.period_date, 'varning' AS severity,
       CASE WHEN t.leader_id IS NULL
            THEN 'enheten saknar chef, och ingen chef finns ovanför: personalen räknas inte'
            ELSE 'enheten saknar egen chef: personalen räknas till närmaste chef ovanför'
       END AS rule,
       t.unit_id, u.source_sha256, u.source_row, u.unit_name AS detail
FROM int_unit_tree t
JOIN hist_org_unit u USING (kommun_code, period_date, unit_id)
WHERE t.own_manager_id IS NULL
