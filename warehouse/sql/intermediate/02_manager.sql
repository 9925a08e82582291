-- Managers per period: who they are, which units they lead, their place in the manager tree.
-- A manager's parent is the leader of the unit above their own (highest) registered unit.
CREATE OR REPLACE TEMP TABLE int_manager_unit AS
SELECT kommun_code, period_date, own_manager_id AS manager_id, unit_id, parent_unit_id,
       forvaltning_id, depth
FROM int_unit_tree
WHERE own_manager_id IS NOT NULL;

CREATE OR REPLACE TEMP TABLE int_manager_parent AS
SELECT mu.kommun_code, mu.period_date, mu.manager_id,
       arg_min(p.leader_id, mu.depth) FILTER (WHERE p.leader_id <> mu.manager_id) AS parent_manager_id
FROM int_manager_unit mu
LEFT JOIN int_unit_tree p
       ON p.kommun_code = mu.kommun_code AND p.period_date = mu.period_date
      AND p.unit_id = mu.parent_unit_id
GROUP BY ALL;

-- Level from the tree: first line (1) has no manager below; second line leads first-line ones; ...
CREATE OR REPLACE TEMP TABLE int_manager_level AS
WITH RECURSIVE up AS (
    SELECT kommun_code, period_date, manager_id AS ancestor_id, 0 AS distance
    FROM int_manager_parent
    UNION ALL
    SELECT up.kommun_code, up.period_date, p.parent_manager_id, up.distance + 1
    FROM up
    JOIN int_manager_parent p
      ON p.kommun_code = up.kommun_code AND p.period_date = up.period_date
     AND p.manager_id = up.ancestor_id
    WHERE p.parent_manager_id IS NOT NULL AND up.distance < 50
)
SELECT kommun_code, period_date, ancestor_id AS manager_id, max(distance) + 1 AS manager_level
FROM up
GROUP BY ALL;

-- Each manager paired with itself and every manager above them.
CREATE OR REPLACE TEMP TABLE int_manager_ancestor AS
WITH RECURSIVE up AS (
    SELECT kommun_code, period_date, manager_id, manager_id AS ancestor_id, 0 AS distance
    FROM int_manager_parent
    UNION ALL
    SELECT up.kommun_code, up.period_date, up.manager_id, p.parent_manager_id, up.distance + 1
    FROM up
    JOIN int_manager_parent p
      ON p.kommun_code = up.kommun_code AND p.period_date = up.period_date
     AND p.manager_id = up.ancestor_id
    WHERE p.parent_manager_id IS NOT NULL AND up.distance < 50
)
SELECT kommun_code, period_date, manager_id, ancestor_id FROM up;

-- Co-managers: persons with an AID ansvarskod (A, B, C, L) in a unit that another person leads
-- (a biträdande rektor beside the rektor), and who lead no unit of their own. They are managers,
-- so never counted as staff; the leader's row counts them (mart_span_of_control.co_managers).
CREATE OR REPLACE TEMP TABLE int_co_manager AS
SELECT DISTINCT e.kommun_code, e.period_date, e.unit_id, e.person_id
FROM hist_employment e
JOIN int_unit_tree t USING (kommun_code, period_date, unit_id)
WHERE e.responsibility_code IN ('A', 'B', 'C', 'L')
  AND e.person_id IS DISTINCT FROM t.own_manager_id
  AND NOT EXISTS (SELECT 1 FROM int_manager_parent m
                  WHERE m.kommun_code = e.kommun_code AND m.period_date = e.period_date
                    AND m.manager_id = e.person_id);
