-- The action plan in force, one row per measure and linked indicator: baseline (the published
-- value for the latest period on or before adoption), the latest value, the straight path from
-- baseline at adoption to target at the due date, and a status:
--   klar     target met and the measure reported done (plan status or latest follow-up)
--   i_fas    target met, or progress at least the path's share of the time less 15 points
--   risk     some progress but behind the path, or the latest follow-up says not as planned
--            or no intended effect
--   ur_fas   no progress, moving the wrong way, or the due date passed without the target
--   ej_matt  no value after the baseline yet (or the indicator is missing in the latest period)
WITH linked AS (
    SELECT m.*, s.scope_type, s.scope_id, i.indicator_id, i.target_value, c.label, c.unit,
           CASE c.better WHEN 'higher' THEN 1 ELSE -1 END AS better_sign
    FROM int_action_measure m
    JOIN int_action_scope s USING (kommun_code, period_date, measure_id)
    LEFT JOIN hist_action_indicator i USING (kommun_code, period_date, measure_id)
    LEFT JOIN indicator_catalogue c USING (indicator_id)
),
valued AS (
    SELECT l.*,
           b.period_date AS baseline_period_date, b.value AS baseline_value,
           n.period_date AS latest_period_date, n.value AS latest_value
    FROM linked l
    LEFT JOIN LATERAL (
        SELECT h.period_date, h.value FROM mart_indicator_history h
        WHERE h.kommun_code = l.kommun_code AND h.scope_id = l.scope_id
          AND h.indicator_id = l.indicator_id AND h.period_date <= l.adopted_date
        ORDER BY h.period_date DESC LIMIT 1) b ON true
    LEFT JOIN LATERAL (
        SELECT h.period_date, h.value FROM mart_indicator_history h
        WHERE h.kommun_code = l.kommun_code AND h.scope_id = l.scope_id
          AND h.indicator_id = l.indicator_id
          AND h.period_date = (SELECT max(p.period_date) FROM mart_span_rollup p
                               WHERE p.kommun_code = l.kommun_code)) n ON true
),
follow AS (
    SELECT kommun_code, measure_id, count(*) AS follow_ups,
           max(follow_up_date) AS last_follow_up_date,
           arg_max(done_as_planned, follow_up_date) AS done_as_planned,
           arg_max(intended_effect, follow_up_date) AS intended_effect,
           arg_max(helped_reach_goal, follow_up_date) AS helped_reach_goal,
           arg_max(next_follow_up_date, follow_up_date) AS next_follow_up_date
    FROM hist_follow_up
    GROUP BY ALL
),
measured AS (
    SELECT v.*, f.follow_ups, f.last_follow_up_date, f.done_as_planned, f.intended_effect,
           f.helped_reach_goal, f.next_follow_up_date,
           least(greatest(datediff('day', v.adopted_date, v.latest_period_date)
                          / nullif(datediff('day', v.adopted_date, v.due_date), 0), 0), 1)
               AS elapsed_share,
           (v.latest_value - v.baseline_value)
               / nullif(v.target_value - v.baseline_value, 0) AS progress_share,
           (v.latest_value - v.target_value) * v.better_sign >= 0 AS target_met
    FROM valued v
    LEFT JOIN follow f USING (kommun_code, measure_id)
),
rated AS (
    SELECT *,
        CASE
            WHEN latest_value IS NULL OR latest_period_date <= baseline_period_date
                THEN 'ej_matt'
            WHEN target_met AND (status = 'genomford' OR done_as_planned = 'ja') THEN 'klar'
            WHEN target_met THEN 'i_fas'
            WHEN latest_period_date >= due_date THEN 'ur_fas'
            WHEN coalesce(progress_share, 0) <= 0 THEN 'ur_fas'
            WHEN done_as_planned = 'nej' OR intended_effect = 'nej' THEN 'risk'
            WHEN progress_share >= elapsed_share - 0.15 THEN 'i_fas'
            ELSE 'risk'
        END AS indicator_status
    FROM measured
),
ranked AS (  -- a measure is as bad as its worst indicator
    SELECT *,
           max(CASE indicator_status WHEN 'klar' THEN 1 WHEN 'i_fas' THEN 2 WHEN 'ej_matt' THEN 3
                                     WHEN 'risk' THEN 4 ELSE 5 END)
               OVER (PARTITION BY kommun_code, measure_id) AS worst
    FROM rated
)
SELECT kommun_code, period_date AS plan_period_date, measure_id, scope_name, scope_type,
       scope_id, area, development_area, measure, goal, owner_role, mandate_confirmed,
       risk_assessed, staff_and_unions_involved, status AS owner_status, adopted_date,
       start_date, due_date, indicator_id, label AS indicator_label, unit AS indicator_unit,
       target_value, baseline_period_date, baseline_value, latest_period_date, latest_value,
       round(baseline_value + (target_value - baseline_value) * elapsed_share, 2)
           AS path_value_now,
       round(100 * progress_share, 1) AS progress_pct,
       indicator_status,
       ['klar', 'i_fas', 'ej_matt', 'risk', 'ur_fas'][worst] AS measure_status,
       follow_ups, last_follow_up_date, done_as_planned, intended_effect, helped_reach_goal,
       next_follow_up_date,
       coalesce(next_follow_up_date < current_date, false) AS is_follow_up_overdue,
       (target_value - baseline_value) * better_sign < 0 AS is_target_wrong_direction
FROM ranked
