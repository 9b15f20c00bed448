with

source as (

    select * from {{ source('routing', 'ticket_routes') }}

),

renamed as (

    -- columns grouped by topic (as in stg_tickets), not by complexity
    select  -- noqa: ST06

        ----------  ids
        trim(ticket_id) as ticket_id,
        partition_date,
        trim(model_version) as model_version,

        ----------  prediction (teams lower-cased like the seed's)
        lower(trim(predicted_team)) as predicted_team,
        probability,
        lower(trim(runner_up_team)) as runner_up_team,
        runner_up_probability,

        ----------  provenance
        predicted_at,
        run_id

    from source

)

select * from renamed
