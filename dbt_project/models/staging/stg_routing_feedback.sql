{#-
    The latest correction of each ticket: the latest corrected_at wins; ties go to the row
    loaded last, then to the later file key and line. Earlier corrections stay in the source.
-#}
with

source as (

    select * from {{ source('routing', 'feedback') }}

),

renamed as (

    -- columns grouped by topic (as in stg_tickets), not by complexity
    select  -- noqa: ST06

        ----------  ids
        trim(ticket_id) as ticket_id,

        ----------  correction (teams lower-cased like the seed's)
        lower(trim(correct_team)) as correct_team,
        corrected_by,
        corrected_at,

        ----------  provenance
        _source_key as source_key,
        _line_number as line_number,
        _loaded_at as loaded_at,
        _run_id as run_id

    from source

),

ranked as (

    select
        renamed.*,
        count(*) over (partition by renamed.ticket_id) as correction_count,
        row_number() over (
            partition by renamed.ticket_id
            order by
                renamed.corrected_at desc,
                renamed.loaded_at desc,
                renamed.source_key desc,
                renamed.line_number desc
        ) as recency

    from renamed

),

latest as (

    select
        ticket_id,
        correct_team,
        corrected_by,
        corrected_at,
        cast(correction_count as {{ dbt.type_bigint() }}) as correction_count,
        source_key,
        line_number,
        loaded_at,
        run_id

    from ranked

    where recency = 1

)

select * from latest
