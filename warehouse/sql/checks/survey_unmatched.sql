-- varning: a survey's respondents are tied to the org by what the export names; a value that
-- matches no unit or förvaltning, and respondents tied to nothing below the kommun, are listed
-- (column as `field`, the value, how many respondents), never left to vanish into the total.
WITH r AS (
    SELECT s.kommun_code, s.period_date, s.survey_id, s.respondent_role, s.response_id,
           s.unit_id AS named_id,
           s.unit_name, s.forvaltning_name, s.source_sha256, s.source_row,
           i.unit_id, i.unit_id_unmatched, i.unit_name_unmatched, i.unit_name_candidates,
           i.forvaltning_unmatched
    FROM hist_survey_response s
    JOIN int_survey_respondent i
      USING (kommun_code, period_date, survey_id, respondent_role, response_id)
),
per_value AS (
    SELECT kommun_code, period_date, source_sha256, 'unit_id' AS field, named_id AS value,
           'enhetskoden finns inte i organisationen' AS rule, source_row
    FROM r WHERE unit_id_unmatched
    UNION ALL
    SELECT kommun_code, period_date, source_sha256, 'unit_name', unit_name,
           CASE WHEN unit_name_candidates > 1
                THEN 'enhetsnamnet finns i flera förvaltningar: ange förvaltning'
                ELSE 'enhetsnamnet matchar ingen enhet' ||
                     CASE WHEN forvaltning_name IS NOT NULL THEN ' i förvaltningen' ELSE '' END
           END, source_row
    FROM r WHERE unit_name_unmatched
    UNION ALL
    SELECT kommun_code, period_date, source_sha256, 'forvaltning_name', forvaltning_name,
           'förvaltningsnamnet matchar ingen förvaltning', source_row
    FROM r WHERE forvaltning_unmatched
)
SELECT kommun_code, period_date, 'varning' AS severity,
       rule,
       NULL AS unit_id, source_sha256, min(source_row) AS source_row,
       '"' || value || '", ' || count(*) || ' svarande' AS detail, field
FROM per_value
GROUP BY kommun_code, period_date, source_sha256, field, value, rule
UNION ALL
SELECT kommun_code, period_date, 'varning',
       'svar som inte kan knytas till någon enhet eller förvaltning räknas bara i hela kommunen',
       NULL, source_sha256, min(source_row),
       count(*) || ' av ' || any_value(total) || ' svarande', NULL
FROM (SELECT *, count(*) OVER (PARTITION BY source_sha256) AS total FROM r)
WHERE unit_id IS NULL AND respondent_role = 'manager'  -- top management answers for the kommun
GROUP BY kommun_code, period_date, source_sha256
