-- What the checks found in the data behind this publication (warnings; errors never publish),
-- and the manager groups disclosure control did not publish for a survey (group-cut rule).
SELECT kommun_code, period_date, check_name, severity, rule, file_name, row_number, unit_id,
       detail
FROM data_quality
WHERE kommun_code IN (SELECT DISTINCT kommun_code FROM hist_org_unit)
UNION ALL
SELECT kommun_code, period_date, 'disclosure_group_cut', 'varning',
       'Chefsgrupperna publiceras inte för enkäten: att skydda dem skulle dölja större delen '
       || 'av organisationen', NULL, NULL, NULL,
       survey_id || ' (' || respondent_role || '): ' || groups
FROM (SELECT kommun_code, period_date, survey_id, respondent_role,
             string_agg(group_name, ', ' ORDER BY group_name) AS groups
      FROM int_survey_group_cut
      GROUP BY kommun_code, period_date, survey_id, respondent_role)
