-- Item means per group: the mean of the item's scores (reverse-scored items already flipped, so
-- higher is better), on the scale and as 0-100. Every cell of every ordinal item has a row,
-- hidden alike whether few or nobody answered: this is where a hidden item of a group is
-- marked, once per cell and item (mart_survey_distribution publishes only the shown ones).
SELECT c.kommun_code, k.kommun_name, c.period_date, c.survey_id,
       q.questionnaire_title AS survey_title, c.respondent_role,
       c.scope_type, c.scope_id, c.scope_name, c.forvaltning_id, c.forvaltning_name,
       q.question_id, q.question_text, q.construct,
       CASE WHEN c.is_suppressed THEN NULL ELSE c.n END AS respondents,
       CASE WHEN c.is_suppressed THEN NULL ELSE round(c.mean_value, 2) END AS mean_score,
       CASE WHEN c.is_suppressed THEN NULL
            ELSE round(100.0 * (c.mean_value - q.scale_min) / (q.scale_max - q.scale_min), 1)
       END AS index_0_100,
       q.scale_min, q.scale_max, c.is_suppressed, k.anonymity_k
FROM int_survey_published_cell c
JOIN hist_survey_question q
  ON q.kommun_code = c.kommun_code AND q.period_date = c.period_date
 AND q.survey_id = c.survey_id AND q.respondent_role = c.respondent_role
 AND q.question_id = c.measure_ref AND q.scale_kind = 'ordinal'
JOIN kommun k ON k.kommun_code = c.kommun_code
WHERE c.measure_type = 'item'
