"""The smallest environment that makes ``get_settings()`` resolve ``TICKET_PLATFORM_ENV=prod``."""

PROD_ENV = {
    "TICKET_PLATFORM_ENV": "prod",
    "TICKET_LANDING_URI": "s3://lake/landing",
    "TICKET_REDSHIFT_HOST": "cluster.example",
    "TICKET_REDSHIFT_USER": "loader",
    "TICKET_REDSHIFT_IAM_ROLE_ARN": "arn:aws:iam::1:role/copy",
    "TICKET_REDSHIFT_STAGING_URI": "s3://lake/_staging",
}
