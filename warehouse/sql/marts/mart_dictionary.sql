-- Every published mart column with its Swedish label and unit, generated from the mart
-- declarations (schemas/dictionary.py); the build provides it as the relation mart_dictionary_rows.
SELECT mart_name, mart_label, column_position, column_name, label, unit, data_type, description,
    pages
FROM mart_dictionary_rows
