{#
    Generic data test: every row of the model satisfies the SQL boolean `expression`; the rows
    where it is false or null are returned as failures. Written here because dbt_utils is not
    installed. Write a null-tolerant expression (`x is null or ...`) where nulls are allowed.
#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not coalesce(({{ expression }}), false)

{% endtest %}
