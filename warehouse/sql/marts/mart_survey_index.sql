-- Construct indices: the mean of the respondents' construct means (int_survey_value), on the
-- scale and as 0-100 = (mean - min) / (max - min) x 100. Suppressed figures are NULL; every
-- cell has a row, hidden alike whether few or nobody answered.
WITH scale AS (
    SELECT kommun_code, period_date, survey_id, respondent_role, construct,
           any_value(questionnaire_title) AS survey_title,
           min(scale_min) AS scale_min, max(scale_max) AS scale_max
    FROM hist_survey_question
    WHERE scale_kind = 'ordinal'
    GROUP BY ALL
)
SELECT c.kommun_code, k.kommun_name, c.period_date, c.survey_id, sc.survey_title,
       c.respondent_role, c.scope_type, c.scope_id, c.scope_name, c.forvaltning_id,
       c.forvaltning_name, c.measure_ref AS construct,
       CASE WHEN c.is_suppressed THEN NULL ELSE c.n END AS respondents,
       CASE WHEN c.is_suppressed THEN NULL ELSE round(c.mean_value, 2) END AS mean_score,
       CASE WHEN c.is_suppressed THEN NULL
            ELSE round(100.0 * (c.mean_value - sc.scale_min) / (sc.scale_max - sc.scale_min), 1)
       END AS index_0_100,
       sc.scale_min, sc.scale_max, c.is_suppressed, k.anonymity_k
FROM int_survey_published_cell c
JOIN scale sc
  ON sc.kommun_code = c.kommun_code AND sc.period_date = c.period_date
 AND sc.survey_id = c.survey_id AND sc.respondent_role = c.respondent_role
 AND sc.construct = c.measure_ref
JOIN kommun k ON k.kommun_code = c.kommun_code
WHERE c.measure_type = 'construct'
