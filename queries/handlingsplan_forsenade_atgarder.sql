-- Försenade åtgärder i handlingsplanen
-- Measures of the plan in force that are behind: a follow-up date passed with no newer
-- follow-up, or the due date passed without the target reached (status not klar).
SELECT kommun_code, plan_period_date,
       latest_period_date,
       measure_id,
       scope_name,
       measure,
       owner_role,
       due_date,
       next_follow_up_date,
       indicator_label,
       measure_status,
       is_follow_up_overdue,
       due_date < current_date AND measure_status <> 'klar' AS is_past_due
FROM mart_action_plan
WHERE is_follow_up_overdue OR (due_date < current_date AND measure_status <> 'klar')
ORDER BY kommun_code, due_date, measure_id
