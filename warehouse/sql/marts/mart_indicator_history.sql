-- Indicator values per scope and period: mart_span_rollup's trackable columns, one row each.
-- {indicator_columns} is filled in by the build from the indicator catalogue.
UNPIVOT (
    SELECT kommun_code, period_date, scope_type, scope_id, scope_name,
           {indicator_columns_as_double}
    FROM mart_span_rollup
)
ON {indicator_columns}
INTO NAME indicator_id VALUE value
