-- The questionnaires behind the survey marts, as each survey export answered them.
SELECT kommun_code, period_date, survey_id, questionnaire_title AS survey_title, respondent_role,
       questionnaire_version, question_id, question_text, construct, scale_id, scale_kind,
       scale_min, scale_max, is_reversed, position
FROM hist_survey_question
