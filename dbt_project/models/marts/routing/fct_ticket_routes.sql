{#-
    One row per ticket and routing model version: the prediction beside the ticket's actual team
    (the latest analyst correction, else the team owning the product) and the help desk's
    assignment. Predictions whose ticket is missing from stg_tickets are kept with null ticket
    facts; corrections of tickets without a prediction are not here.
-#}
with

routes as (

    select * from {{ ref('stg_ticket_routes') }}

),

tickets as (

    select * from {{ ref('stg_tickets') }}

),

product_teams as (

    select * from {{ ref('product_teams') }}

),

feedback as (

    select * from {{ ref('stg_routing_feedback') }}

),

model_versions as (

    select * from {{ ref('stg_routing_model_versions') }}

),

lifecycle as (

    select * from {{ ref('ticket_current_state') }}

),

joined as (

    -- columns grouped by topic (as in stg_tickets), not by complexity
    select  -- noqa: ST06

        ----------  ids
        routes.ticket_id,
        routes.partition_date,

        ----------  ticket (null when the ticket is missing from stg_tickets)
        tickets.submitted_at,
        tickets.product,

        ----------  model
        routes.model_version,
        model_versions.estimator,
        model_versions.status as model_status,

        ----------  prediction
        routes.predicted_team,
        routes.probability,
        routes.runner_up_team,
        routes.runner_up_probability,

        ----------  truth
        -- products missing from the seed belong to the platform's routing default
        case
            when tickets.product is not null then coalesce(product_teams.team, 'general support')
        end as product_team,
        feedback.correct_team as corrected_team,
        feedback.corrected_by,
        feedback.corrected_at,

        ----------  help desk
        lifecycle.assigned_team,

        ----------  provenance
        routes.predicted_at

    from routes

    left join tickets
        on routes.ticket_id = tickets.ticket_id

    left join product_teams
        on tickets.product = product_teams.product

    left join feedback
        on routes.ticket_id = feedback.ticket_id

    left join model_versions
        on routes.model_version = model_versions.model_version

    left join lifecycle
        on routes.ticket_id = lifecycle.ticket_id

),

judged as (

    select
        *,
        coalesce(corrected_team, product_team) as actual_team,
        case
            when corrected_team is not null then 'correction'
            when product_team is not null then 'product'
        end as actual_team_source

    from joined

),

final as (

    -- columns grouped by topic (as in stg_tickets), not by complexity
    select  -- noqa: ST06

        ----------  ids
        ticket_id,
        partition_date,

        ----------  ticket
        submitted_at,
        product,

        ----------  model
        model_version,
        estimator,
        model_status,

        ----------  prediction
        predicted_team,
        probability,
        runner_up_team,
        runner_up_probability,

        ----------  truth
        product_team,
        corrected_team,
        corrected_by,
        corrected_at,
        actual_team,
        actual_team_source,
        case when actual_team is not null then predicted_team = actual_team end as is_correct,

        ----------  help desk
        assigned_team,

        ----------  provenance
        predicted_at

    from judged

)

select * from final
