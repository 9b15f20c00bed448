"""status_recorder: every ticket event into the DynamoDB lifecycle history and current state."""
