-- Enkätindex per chefsgrupp
-- Managers' construct indices (0-100) per manager group beside the whole kommun's, per survey
-- and period; groups below the anonymity threshold are listed as dolt with empty figures.
SELECT g.kommun_code, g.kommun_name, g.period_date,
       g.survey_title,
       g.scope_name AS manager_group,
       g.construct,
       g.respondents,
       g.index_0_100,
       k.index_0_100 AS kommun_index_0_100,
       round(g.index_0_100 - k.index_0_100, 1) AS difference,
       g.is_suppressed AS dolt
FROM mart_survey_index g
JOIN mart_survey_index k
  ON k.kommun_code = g.kommun_code AND k.period_date = g.period_date
 AND k.survey_id = g.survey_id AND k.respondent_role = g.respondent_role
 AND k.construct = g.construct AND k.scope_type = 'kommun'
WHERE g.scope_type = 'manager_group' AND g.respondent_role = 'manager'
ORDER BY g.kommun_name, g.period_date, g.survey_title, manager_group, g.construct
