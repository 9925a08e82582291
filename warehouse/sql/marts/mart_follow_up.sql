-- Every follow-up of the measures in force, newest first per measure.
SELECT f.kommun_code, f.measure_id, m.scope_name, m.measure, f.follow_up_date,
       f.done_as_planned, f.intended_effect, f.helped_reach_goal, f.new_insights,
       f.side_effects, f.next_follow_up_date
FROM hist_follow_up f
JOIN int_action_measure m USING (kommun_code, measure_id)
