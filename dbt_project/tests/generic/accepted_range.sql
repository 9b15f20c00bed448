{#
    Generic data test on a column: every non-null value lies between `min_value` and
    `max_value` (inclusive); returns the rows outside. Nulls pass (add not_null to forbid them).
    Written here because dbt_utils is not installed.
#}
{% test accepted_range(model, column_name, min_value, max_value) %}

select *
from {{ model }}
where {{ column_name }} < {{ min_value }}
    or {{ column_name }} > {{ max_value }}

{% endtest %}
