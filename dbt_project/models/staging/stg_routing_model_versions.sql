with

source as (

    select * from {{ source('routing', 'model_versions') }}

),

renamed as (

    -- columns grouped by topic (as in stg_tickets), not by complexity
    select  -- noqa: ST06

        ----------  ids
        trim(model_version) as model_version,
        lower(trim(estimator)) as estimator,
        artifact_uri,

        ----------  training
        trained_at,
        trained_through,
        training_rows,
        corrections_used,

        ----------  metrics
        holdout_rows,
        holdout_accuracy,
        holdout_macro_f1,
        reference_rows,
        reference_accuracy,
        reference_macro_f1,

        ----------  promotion
        lower(trim(status)) as status,
        lower(trim(status)) = 'promoted' as is_promoted,
        decision,
        promoted_at,

        ----------  provenance
        run_id

    from source

)

select * from renamed
