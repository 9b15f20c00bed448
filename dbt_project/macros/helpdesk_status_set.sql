{#
    helpdesk_status_set(milestone, helpdesk_status): the help-desk status an event sets, by
    Zendesk's rules (doc helpdesk_status_rule): ASSIGNED and REOPENED set `open`, RESOLVED sets
    `solved`, STATUS_CHANGED sets its own `open` / `pending` / `on_hold`; null for an event that
    keeps the status. The one definition of the rule, used by every model that follows status.
#}
{% macro helpdesk_status_set(milestone, helpdesk_status) -%}
    case
        when {{ milestone }} in ('ASSIGNED', 'REOPENED') then 'open'
        when {{ milestone }} = 'RESOLVED' then 'solved'
        when
            {{ milestone }} = 'STATUS_CHANGED'
            and {{ helpdesk_status }} in ('open', 'pending', 'on_hold')
            then {{ helpdesk_status }}
    end
{%- endmacro %}
