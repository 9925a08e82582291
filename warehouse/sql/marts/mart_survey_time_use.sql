-- Time use: per manager first (share of their logged hours per category, or the share they
-- reported), then the mean over the managers of each group. Suppressed figures are NULL.
WITH title AS (
    SELECT DISTINCT kommun_code, period_date, survey_id, respondent_role, questionnaire_title,
           construct, bool_or(logbook_day IS NOT NULL) OVER (
               PARTITION BY kommun_code, period_date, survey_id, respondent_role, construct
           ) AS is_logged
    FROM hist_survey_question
    WHERE scale_kind = 'number'
)
SELECT c.kommun_code, k.kommun_name, c.period_date, c.survey_id,
       t.questionnaire_title AS survey_title, c.respondent_role,
       c.scope_type, c.scope_id, c.scope_name, c.forvaltning_id, c.forvaltning_name,
       c.measure_ref AS category,
       CASE WHEN t.is_logged THEN 'logged_share' ELSE 'reported_share' END AS category_kind,
       CASE WHEN c.is_suppressed THEN NULL ELSE c.n END AS respondents,
       CASE WHEN c.is_suppressed THEN NULL ELSE round(c.mean_value, 1) END AS mean_share_pct,
       c.is_suppressed, k.anonymity_k
FROM int_survey_published_cell c
JOIN title t
  ON t.kommun_code = c.kommun_code AND t.period_date = c.period_date
 AND t.survey_id = c.survey_id AND t.respondent_role = c.respondent_role
 AND t.construct = c.measure_ref
JOIN kommun k ON k.kommun_code = c.kommun_code
WHERE c.measure_type = 'time'
